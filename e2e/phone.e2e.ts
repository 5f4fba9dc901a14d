/**
 * The phone layout at 390 × 844 (issue 16 defect 3) and the list panel's height (defect 6): the list is the page
 * (the document scrolls, the list box never does), the filters wait behind a "Filters" button, a long title wraps
 * instead of being cut, row actions are one menu, the header is one line and the lists are in a menu drawer.
 * On a 1366 px desktop a list of two tasks is as tall as its two rows. Axe 0 serious/critical, light and dark.
 * Screenshots: e2e/artifacts/phone-*.png (390 px) and phone-desktop-*.png (1366 px).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
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

const LONG_TITLE =
  'Call the insurance company about the flooded basement claim and ask for the adjuster’s report before Friday';

/** The screen as a person sees it (the viewport), next to the full-page one. */
async function shot(page: Page, name: string) {
  const dir = path.resolve(import.meta.dirname, 'artifacts');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}-viewport.png`) });
  await screenshot(page, name);
}

async function axeClean(page: Page, what: string) {
  const violations = await axeSeriousViolations(page);
  expect(violations, `${what}\n${describeViolations(violations)}`).toEqual([]);
}

/** The list box's and the document's scroll sizes. */
const scrollSizes = (page: Page) =>
  page.evaluate(() => {
    const list = document.querySelector<HTMLElement>('[data-testid="task-list"]')!;
    const doc = document.scrollingElement!;
    return {
      list: {
        scrollHeight: list.scrollHeight,
        clientHeight: list.clientHeight,
        overflowY: getComputedStyle(list).overflowY,
      },
      doc: { scrollHeight: doc.scrollHeight, clientHeight: doc.clientHeight },
    };
  });

describe('phone layout (390 × 844)', () => {
  it('the list is the page; filters behind a button; long titles wrap; actions in a menu; lists in a drawer', async () => {
    const page = await freshPage(browser.context);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'light' });
    await register(page);
    await page.evaluate(async () => {
      const csrf = decodeURIComponent(/(?:^|;\s*)csrf_token=([^;]+)/.exec(document.cookie)?.[1] ?? '');
      const rows = Array.from({ length: 40 }, (_, i) => ({
        title: `Phone task ${String(i + 1).padStart(2, '0')}`,
        priority: i % 4 === 0 ? 'high' : 'medium',
        tags: i % 3 === 0 ? ['errands'] : [],
      }));
      const res = await fetch('/api/v1/tasks/import', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify(rows),
      });
      if (!res.ok) throw new Error(`import ${res.status}`);
    });
    await createTaskViaApi(page, {
      title: LONG_TITLE,
      priority: 'urgent',
      tags: ['home'],
      dueDate: new Date(Date.now() + 86_400_000).toISOString(),
    });

    await page.goto('/tasks');
    const rows = page.getByTestId('task-row');
    await rows.first().waitFor();

    // The header is one compact line.
    const header = await page.locator('header').boundingBox();
    expect(header!.height).toBeLessThanOrEqual(64);

    // Filters: hidden until the button opens them.
    const filters = page.getByRole('button', { name: /^Filters/ });
    expect(await filters.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByLabel('Status').isVisible()).toBe(false);
    expect(await page.getByLabel('Priority').isVisible()).toBe(false);
    expect(await page.getByLabel('Search', { exact: true }).isVisible()).toBe(true);
    // The first row starts within the first screen (it was below 611 px of header and filters).
    const firstRow = await rows.first().boundingBox();
    expect(firstRow!.y).toBeLessThan(400);
    await shot(page, 'phone-tasks-light');
    await axeClean(page, 'tasks, phone, light');

    // No nested scroll box: the list is as tall as its content, and the document scrolls.
    const sizes = await scrollSizes(page);
    expect(sizes.list.scrollHeight).toBe(sizes.list.clientHeight);
    expect(sizes.list.overflowY).not.toMatch(/auto|scroll/);
    expect(sizes.doc.scrollHeight).toBeGreaterThan(sizes.doc.clientHeight);
    await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight));
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    // Scrolling the page loads the next pages (cursor) into the same list.
    for (let i = 0; i < 6; i++) {
      await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight));
      await page.waitForTimeout(250);
    }
    await page.getByTestId('task-title').filter({ hasText: 'Phone task 01' }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));

    // The long title is shown whole (wrapped), not cut.
    const title = page.getByTestId('task-title').filter({ hasText: 'flooded basement' });
    const fit = await title.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return {
        text: el.textContent,
        overflowing: el.scrollWidth > el.clientWidth + 1,
        ellipsis: style.textOverflow === 'ellipsis',
        right: r.right,
        height: r.height,
        lineHeight: Number.parseFloat(style.lineHeight),
      };
    });
    expect(fit.text).toBe(LONG_TITLE);
    expect(fit.overflowing).toBe(false);
    expect(fit.ellipsis).toBe(false);
    expect(fit.right).toBeLessThanOrEqual(390);
    expect(fit.height).toBeGreaterThan(fit.lineHeight * 1.5); // wrapped onto more than one line

    // Row actions are one menu: History opens the history.
    const longRow = rows.filter({ hasText: 'flooded basement' });
    expect(await longRow.getByRole('button', { name: /^History of/ }).isVisible()).toBe(false);
    await longRow.getByRole('button', { name: /^Actions for “Call the insurance/ }).click();
    const menu = page.getByRole('menu');
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['Edit', 'History', 'Delete']);
    await shot(page, 'phone-row-menu');
    await axeClean(page, 'row menu, phone');
    await menu.getByRole('menuitem', { name: 'History' }).click();
    const history = page.getByRole('dialog', { name: 'Task history' });
    await history.waitFor();
    await page.keyboard.press('Escape');
    await history.waitFor({ state: 'detached' });

    // The filters open in a grid, and filter the list.
    await filters.click();
    expect(await filters.getAttribute('aria-expanded')).toBe('true');
    await page.getByLabel('Priority').selectOption('urgent');
    await expect.poll(() => page.getByTestId('task-title').allTextContents()).toEqual([LONG_TITLE]);
    expect(await filters.textContent()).toContain('(1)');
    await shot(page, 'phone-filters-open');
    await axeClean(page, 'filters open, phone');

    // The lists are in the menu drawer: Upcoming from there.
    await page.getByRole('button', { name: 'Menu', exact: true }).click();
    const drawer = page.getByRole('dialog', { name: 'Menu' });
    await drawer.getByRole('link', { name: 'Upcoming', exact: true }).waitFor();
    expect(await drawer.getByRole('link', { name: 'Dashboard' }).isVisible()).toBe(true);
    expect(await drawer.getByRole('button', { name: 'Log out' }).isVisible()).toBe(true);
    await shot(page, 'phone-drawer');
    await axeClean(page, 'drawer, phone');
    await drawer.getByRole('link', { name: 'Upcoming', exact: true }).click();
    await drawer.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Upcoming' }).waitFor();
    await expect.poll(() => page.getByTestId('task-title').allTextContents()).toEqual([LONG_TITLE]);

    // Dark theme on the same screens.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('/tasks');
    await rows.first().waitFor();
    await shot(page, 'phone-tasks-dark');
    await axeClean(page, 'tasks, phone, dark');
    await page.getByRole('button', { name: /^Filters/ }).click();
    await axeClean(page, 'filters open, phone, dark');
    await page.getByRole('button', { name: 'Menu', exact: true }).click();
    await page.getByRole('dialog', { name: 'Menu' }).getByRole('link', { name: 'Today', exact: true }).waitFor();
    await shot(page, 'phone-drawer-dark');
    await axeClean(page, 'drawer, phone, dark');
  });

  it('on a 1366 px desktop the list panel is as tall as its rows (no fixed height with 1–2 tasks)', async () => {
    const page = await freshPage(browser.context);
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    await register(page);
    await createTaskViaApi(page, { title: 'Only task one', priority: 'high' });
    await createTaskViaApi(page, { title: LONG_TITLE, tags: ['home'] });
    await page.goto('/tasks');
    const rows = page.getByTestId('task-row');
    await expect.poll(() => rows.count()).toBe(2);
    const list = await page.getByTestId('task-list').boundingBox();
    const rowBoxes = await Promise.all([rows.nth(0).boundingBox(), rows.nth(1).boundingBox()]);
    const rowsHeight = rowBoxes.reduce((n, b) => n + b!.height, 0);
    expect(Math.abs(list!.height - rowsHeight)).toBeLessThanOrEqual(4);
    expect(list!.height).toBeLessThan(250);
    // Desktop keeps the inline History/Delete buttons and the filters in one row, no Filters button.
    expect(
      await rows
        .nth(0)
        .getByRole('button', { name: /^History of/ })
        .isVisible(),
    ).toBe(true);
    expect(await page.getByRole('button', { name: /^Filters/ }).isVisible()).toBe(false);
    expect(await page.getByLabel('Status').isVisible()).toBe(true);
    await screenshot(page, 'phone-desktop-tasks-1366');
    await axeClean(page, 'tasks, 1366, light');
    expect((await apiFromPage(page, 'GET', '/api/v1/views')).status).toBe(200);
  });
});
