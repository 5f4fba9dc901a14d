// Applies the colour theme before the first paint (no flash of the light theme). Loaded as a classic, blocking
// script from index.html's <head>; it mirrors src/lib/theme.ts (same storage key, same rule), kept in step by
// src/lib/theme.test.ts. Not inline: the CSP has script-src 'self'.
(() => {
  let pref = null;
  try {
    pref = localStorage.getItem('primetrade-theme');
  } catch {}
  const dark = pref === 'dark' || (pref !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
  const root = document.documentElement;
  root.classList.toggle('dark', dark);
  root.style.colorScheme = dark ? 'dark' : 'light';
})();
