import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/providers';
import { initI18n } from './lib/i18n';
import { watchTheme } from './lib/theme';
import './styles.css';

// public/theme-init.js set the theme before paint; from here on it follows the system and other tabs.
watchTheme();

// The service worker (vite-plugin-pwa/Workbox, sw.js) keeps the app shell for offline starts. It is registered
// after the page has loaded, so it never competes with the first render; the API itself is never cached by it.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // No service worker (private mode, plain HTTP on another host): the app works online as before.
    });
  });
}

// The strings of the chosen language are in place before the first render (English is bundled; another
// language is one small chunk).
await initI18n();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
