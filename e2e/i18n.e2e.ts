/**
 * Language choice (issue 16 item 12): sign up, switch to Deutsch with the header's language select, see the
 * dashboard and the tasks page in German (<html lang="de">, German words, dates the German way), the lists, the
 * shortcut help and the command palette in German, and the choice survives a reload. Screenshots at 1366 and 390 px
 * wide: e2e/artifacts/i18n-de-<screen>-<width>.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, freshPage, launch, register, screenshot } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('language', () => {
  it('switches to German, keeps it over a reload, and formats dates the German way', async () => {
    const page = await freshPage(browser.context);
    await page.setViewportSize({ width: 1366, height: 900 });
    await register(page);
    await page.getByTestId('charts').waitFor();

    await page.getByTestId('language-select').selectOption('de');
    await page.getByRole('heading', { name: /^Willkommen, / }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    await page.getByText('Erledigungsquote').waitFor();
    await page.getByRole('link', { name: 'Aufgaben', exact: true }).first().waitFor();
    // Today, as the chart's axis shows it: "6. Dez. 2026" (German medium date).
    const today = new Intl.DateTimeFormat('de', { year: 'numeric', month: 'short', day: 'numeric' }).format(new Date());
    expect(today).toMatch(/^\d{1,2}\. \S+ \d{4}$/); // e.g. 6. Dez. 2026
    await page.getByTestId('charts').getByText(today, { exact: true }).first().waitFor();
    await screenshot(page, 'i18n-de-dashboard-1366');

    await page.reload();
    await page.getByRole('heading', { name: /^Willkommen, / }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await page.getByTestId('language-select').inputValue()).toBe('de');

    await page.getByRole('link', { name: 'Aufgaben', exact: true }).first().click();
    await page.waitForURL('**/tasks');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
    await screenshot(page, 'i18n-de-tasks-1366');

    // The lists, the shortcut help and the command palette speak German too (lib/shortcuts.ts, views-nav).
    await page.getByTestId('views-nav').first().getByRole('link', { name: 'Alle Aufgaben' }).waitFor();
    await page.getByTestId('views-nav').first().getByText('Gespeicherte Ansichten').first().waitFor();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Tastenkürzel' });
    await help.getByText('Tastenkürzel anzeigen').waitFor();
    await help.getByText('Aufgabe löschen (z macht es rückgängig)').waitFor();
    await help.getByText('Aufgabenliste', { exact: true }).waitFor();
    await screenshot(page, 'i18n-de-shortcuts-1366');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.keyboard.press('Control+K');
    const palette = page.getByRole('dialog', { name: 'Befehlspalette' });
    await palette.getByText('Aufgaben als CSV exportieren').waitFor();
    await page.keyboard.press('Escape');
    await palette.waitFor({ state: 'detached' });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/dashboard');
    await page.getByRole('heading', { name: /^Willkommen, / }).waitFor();
    await screenshot(page, 'i18n-de-dashboard-390');
    await page.goto('/tasks');
    await screenshot(page, 'i18n-de-tasks-390');
  });
});
