import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The API serves dist/ on its own port; `vite` (dev) proxies /api to a running API.
const API_URL = process.env.API_URL ?? 'http://localhost:3000';

/**
 * Installable app: the web manifest and a Workbox service worker (sw.js) that precaches the app shell (index.html,
 * every built script and style, icons) and answers navigations with index.html when offline. It has no runtime
 * route: API requests (/api, /health, /metrics) always go to the network, never to a cache. src/main.tsx
 * registers it after load; the API serves sw.js with `cache-control: no-cache` so a new version is seen at once.
 * It also imports public/push-sw.js: showing reminders pushed by the server and opening their task on a click.
 */
const pwa = VitePWA({
  strategies: 'generateSW',
  injectRegister: false,
  registerType: 'autoUpdate',
  manifest: {
    id: '/',
    name: 'Primetrade Tasks',
    short_name: 'Tasks',
    description: 'Your tasks in one fast, trustworthy place — also offline.',
    start_url: '/dashboard',
    scope: '/',
    display: 'standalone',
    // The manifest has one colour of each; index.html's theme-color metas give the dark one to the browser.
    theme_color: '#4f46e5',
    background_color: '#f8fafc',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  workbox: {
    // The manifest's icons and the manifest itself are added by the plugin.
    globPatterns: ['**/*.{js,css,html,svg}'],
    navigateFallback: '/index.html',
    // Never the SPA shell for the API, its docs, health or metrics: those are the server's to answer.
    navigateFallbackDenylist: [/^\/api(\/|$)/, /^\/health(\/|$)/, /^\/metrics$/],
    runtimeCaching: [],
    // The password-strength dictionary (zxcvbn, ~800 KB, sign-up and password forms only) is not worth every
    // install: nothing over 512 KB is precached (a lazy chunk left out loads from the network as before).
    manifestTransforms: [async (entries) => ({ manifest: entries.filter((e) => e.size <= 512 * 1024), warnings: [] })],
    cleanupOutdatedCaches: true,
    clientsClaim: true,
    skipWaiting: true,
    // One file: the Workbox runtime inlined into sw.js (no second script at the root to keep in step).
    inlineWorkboxRuntime: true,
    // Web Push (issue 17 item 2): the push and notificationclick handlers, hand-written in public/push-sw.js.
    importScripts: ['push-sw.js'],
  },
});

export default defineConfig({
  plugins: [react(), tailwindcss(), pwa],
  build: {
    target: 'es2022',
    // The CSP forbids inline scripts: no modulepreload polyfill (it would be inlined into index.html).
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      output: {
        // zxcvbn (CommonJS, ~390 KB gzip) is imported lazily by the new-password field, yet rolldown otherwise
        // places a dynamically imported CommonJS module in the entry chunk: its own chunk keeps the first load small.
        codeSplitting: { groups: [{ name: 'zxcvbn', test: /[\\/]node_modules[\\/]zxcvbn[\\/]/ }] },
      },
    },
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
