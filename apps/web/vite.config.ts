import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API serves dist/ on its own port; `vite` (dev) proxies /api to a running API.
const API_URL = process.env.API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    target: 'es2022',
    // The CSP forbids inline scripts: no modulepreload polyfill (it would be inlined into index.html).
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      '/api': {
        target: API_URL,
        changeOrigin: false,
        // The API refuses a cookie-authenticated write from another origin than its APP_URL (by default its own):
        // the dev server stands in for it, so the page's writes carry the API's origin through the proxy.
        configure: (proxy) =>
          proxy.on('proxyReq', (req) => {
            if (req.getHeader('origin')) req.setHeader('origin', new URL(API_URL).origin);
          }),
      },
    },
  },
});
