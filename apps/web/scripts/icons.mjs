#!/usr/bin/env node
/**
 * Renders the app icons (icons/*.svg → public/icons/*.png) with the Chromium the browser tests use
 * (CHROMIUM_PATH, default /usr/bin/chromium; playwright-core drives it, nothing is downloaded). The PNGs are
 * committed; run this after changing an SVG:  node apps/web/scripts/icons.mjs
 *
 * icon.svg: the rounded icon (any purpose). icon-maskable.svg: full-bleed background with the mark inside the
 * central 80 % circle, so a platform's mask (circle, squircle) never cuts it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const web = path.resolve(import.meta.dirname, '..');
const out = path.join(web, 'public/icons');
const targets = [
  ['icon.svg', 'icon-192.png', 192],
  ['icon.svg', 'icon-512.png', 512],
  ['icon-maskable.svg', 'icon-maskable-512.png', 512],
  ['icon-maskable.svg', 'apple-touch-icon.png', 180],
];

mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage();
  for (const [source, file, size] of targets) {
    const svg = readFileSync(path.join(web, 'icons', source), 'utf8');
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<html><body style="margin:0;background:transparent"><img style="display:block;width:${size}px;height:${size}px" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}"></body></html>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    await page.screenshot({
      path: path.join(out, file),
      omitBackground: true,
      clip: { x: 0, y: 0, width: size, height: size },
    });
    console.log(`public/icons/${file} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
