/**
 * Keyboard layer (issue 16 item 7), driven by the keyboard only once signed in: g t, n (create), j/k (move, with a
 * visible focus ring), c (complete, the server agrees), x (select), e (edit), # (delete, Undo toast), / (search), ?
 * (help), Ctrl+K (palette: navigation and server task search). The palette chunk is not loaded before the first
 * Ctrl+K. The focused row, the help overlay and the palette have 0 serious/critical axe violations in the light
 * and the dark theme. Screenshots: e2e/artifacts/keyboard-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSeriousViolations, describeViolations } from './axe';
import { apiFromPage, type Browser, createTaskViaApi, freshPage, launch, register, screenshot } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** The title of the row that has DOM focus (the roving tabindex puts focus on the `<li>`), or null. */
const focusedTitle = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.matches('li[data-row-id]') ? (el.querySelector('[data-testid="task-title"]')?.textContent ?? '') : null;
  });

describe('keyboard', () => {
  it('creates, moves, completes, selects, edits, deletes, searches and navigates without the mouse', async () => {
    const page = await freshPage(browser.context);
    const paletteChunk: string[] = [];
    page.on('request', (r) => {
      if (/\/assets\/command-palette-[^/]+\.js$/.test(r.url())) paletteChunk.push(r.url());
    });
    await register(page);
    await page.getByRole('navigation', { name: 'Main' }).waitFor(); // the signed-in shell (and its keys) is up
    // Oldest first in the API; the list shows the newest first.
    await createTaskViaApi(page, { title: 'Water the plants' });
    await createTaskViaApi(page, { title: 'Book the flights' });

    // g t: to the task list.
    await page.keyboard.press('g');
    await page.keyboard.press('t');
    await page.waitForURL('**/tasks');
    const rows = page.getByTestId('task-row');
    await expect.poll(() => rows.count()).toBe(2);

    // n: a new task, typed and submitted with Enter.
    await page.keyboard.press('n');
    const create = page.getByRole('dialog', { name: 'New task' });
    await create.waitFor();
    await page.keyboard.type('Call the bank');
    await page.keyboard.press('Enter');
    await create.waitFor({ state: 'detached' });
    await expect.poll(() => rows.count()).toBe(3);

    // j / k: a focus ring moves over the rows.
    await page.keyboard.press('j');
    await expect.poll(() => focusedTitle(page)).toBe('Call the bank');
    await page.keyboard.press('j');
    await expect.poll(() => focusedTitle(page)).toBe('Book the flights');
    // The ring: a 2px inset indigo ring on the focused row's ::after layer, drawn over the row.
    const ring = await page.evaluate(() => {
      const el = document.activeElement as Element;
      const after = getComputedStyle(el, '::after');
      return { visible: el.matches(':focus-visible'), position: after.position, shadow: after.boxShadow };
    });
    expect(ring.visible).toBe(true);
    expect(ring.position).toBe('absolute');
    expect(ring.shadow).toMatch(/ 0px 0px 0px 2px inset/);
    await screenshot(page, 'keyboard-row-focus');
    await page.keyboard.press('k');
    await expect.poll(() => focusedTitle(page)).toBe('Call the bank');

    // c: complete the focused task (the server agrees), x: select it.
    await page.keyboard.press('c');
    const bank = rows.filter({ hasText: 'Call the bank' });
    await expect.poll(() => bank.getByRole('checkbox', { name: /as not done/ }).count()).toBe(1);
    await expect
      .poll(async () => {
        const r = await apiFromPage<{ data: Array<{ title: string; status: string }> }>(
          page,
          'GET',
          '/api/v1/tasks?q=bank',
        );
        return r.body.data.find((t) => t.title === 'Call the bank')?.status;
      })
      .toBe('completed');
    await page.keyboard.press('x');
    await page.getByText('1 selected').waitFor();
    await screenshot(page, 'keyboard-completed-selected');
    await page.keyboard.press('x');
    await page.getByText('1 selected').waitFor({ state: 'detached' });

    // e: edit the focused task; Escape closes and focus returns to the row.
    await page.keyboard.press('e');
    const edit = page.getByRole('dialog', { name: 'Edit task' });
    await expect.poll(() => edit.getByLabel('Title').inputValue()).toBe('Call the bank');
    await page.keyboard.press('Escape');
    await edit.waitFor({ state: 'detached' });
    await expect.poll(() => focusedTitle(page)).toBe('Call the bank');

    // #: deletes at once (the toast offers Undo instead of a confirmation); focus moves on to the next row.
    await page.keyboard.press('j');
    await expect.poll(() => focusedTitle(page)).toBe('Book the flights');
    await page.keyboard.press('Shift+#');
    await page.getByRole('button', { name: 'Undo' }).waitFor();
    await screenshot(page, 'keyboard-delete-undo-toast');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => focusedTitle(page)).toBe('Water the plants');
    const gone = await apiFromPage<{ data: Array<{ title: string }> }>(page, 'GET', '/api/v1/tasks');
    expect(gone.body.data.map((t) => t.title).sort()).toEqual(['Call the bank', 'Water the plants']);

    // /: focus the search box; letters typed there are text, not shortcuts.
    await page.keyboard.press('/');
    const box = page.getByRole('searchbox');
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('plants');
    await page.waitForURL(/q=plants/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByRole('dialog').count()).toBe(0);

    // ?: the help overlay lists the shortcuts.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    for (const text of ['Show keyboard shortcuts', 'Move to the next task', 'Go to dashboard', 'Delete the task'])
      await help.getByText(text).waitFor();
    await screenshot(page, 'keyboard-help');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    // Ctrl+K: the palette (its chunk loads now, not before); go to the dashboard.
    expect(paletteChunk).toEqual([]);
    await page.keyboard.press('Control+K');
    const palette = page.getByTestId('command-palette');
    await palette.waitFor();
    expect(paletteChunk).toHaveLength(1);
    await page.keyboard.type('dashb');
    await screenshot(page, 'keyboard-palette-navigate');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/dashboard');
    await palette.waitFor({ state: 'detached' });

    // Ctrl+K again: a server search finds the task, highlighted at once; Enter opens it on the task list.
    await page.keyboard.press('Control+K');
    await palette.waitFor();
    await page.keyboard.type('water');
    const hit = palette.getByRole('option', { name: /Water the plants/ });
    await hit.waitFor();
    await screenshot(page, 'keyboard-palette-search');
    await expect.poll(() => hit.getAttribute('aria-selected')).toBe('true'); // the first result is highlighted
    await page.keyboard.press('Enter');
    await page.waitForURL('**/tasks');
    const opened = page.getByRole('dialog', { name: 'Edit task' });
    await expect.poll(() => opened.getByLabel('Title').inputValue()).toBe('Water the plants');
    await page.keyboard.press('Escape');
    await opened.waitFor({ state: 'detached' });

    // g d: back to the dashboard.
    await page.keyboard.press('g');
    await page.keyboard.press('d');
    await page.waitForURL('**/dashboard');
    await page.close();
  });

  it('the focused row, the help overlay and the palette pass axe in the light and the dark theme', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    await createTaskViaApi(page, { title: 'Water the plants', tags: ['home'] });
    await createTaskViaApi(page, { title: 'Book the flights', status: 'completed' });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme }); // the theme follows the system (no stored choice)
      await page.goto('/tasks');
      await expect.poll(() => page.getByTestId('task-row').count()).toBe(2);
      const check = async (name: string) => {
        const found = await axeSeriousViolations(page);
        expect(found, describeViolations(found)).toEqual([]);
        await screenshot(page, `keyboard-${scheme}-${name}`);
      };
      await page.keyboard.press('j');
      await expect.poll(() => focusedTitle(page)).toBe('Book the flights');
      await check('row-focus');
      await page.keyboard.press('?');
      const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await help.waitFor();
      await check('help');
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });
      await page.keyboard.press('Control+K');
      const palette = page.getByTestId('command-palette');
      await palette.waitFor();
      await page.keyboard.type('water');
      await palette.getByRole('option', { name: /Water the plants/ }).waitFor();
      await check('palette');
      await page.keyboard.press('Escape');
      await palette.waitFor({ state: 'detached' });
    }
    await page.close();
  });
});
