import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/providers';
import { watchTheme } from './lib/theme';
import './styles.css';

// public/theme-init.js set the theme before paint; from here on it follows the system and other tabs.
watchTheme();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
