/**
 * Views (issue 16 item 9): the sidebar's Today and Upcoming lists (the server's `view=`), saved views made from the
 * list's current filters, renamed, reordered with the keyboard and deleted, and the dashboard card that opens
 * Upcoming. Axe: 0 serious/critical on the sidebar, a view's list and the view dialogs, light and dark.
 * Screenshots at 1366 px: e2e/artifacts/views-*.png.
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

const DAY = 86_400_000;

async function axeClean(page: Page, what: string) {
  const violations = await axeSeriousViolations(page);
  expect(violations, `${what}\n${describeViolations(violations)}`).toEqual([]);
}

const titles = (page: Page) => page.getByTestId('task-title').allTextContents();
const savedViews = (page: Page) =>
  page.getByRole('navigation', { name: 'Lists' }).getByTestId('saved-view').getByRole('link').allTextContents();

describe('views', () => {
  it('Today and Upcoming; save, rename, reorder and delete views; the dashboard links to Upcoming', async () => {
    const page = await freshPage(browser.context);
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    await register(page);
    const now = Date.now();
    // Robust at any hour: two days ago is overdue (Today, never Upcoming); in three days is Upcoming, not Today.
    await createTaskViaApi(page, { title: 'Pay the overdue bill', dueDate: new Date(now - 2 * DAY).toISOString() });
    await createTaskViaApi(page, {
      title: 'Prepare the workshop',
      priority: 'urgent',
      tags: ['work'],
      dueDate: new Date(now + 3 * DAY).toISOString(),
    });
    await createTaskViaApi(page, { title: 'Read a book', tags: ['home'] });
    await createTaskViaApi(page, {
      title: 'Done long ago',
      status: 'completed',
      dueDate: new Date(now - 2 * DAY).toISOString(),
    });
    await createTaskViaApi(page, { title: 'Review the budget', priority: 'high', tags: ['work'] });

    await page.goto('/tasks');
    const lists = page.getByRole('navigation', { name: 'Lists' });
    await expect.poll(() => titles(page).then((t) => t.length)).toBe(5);
    await lists.getByText('None yet').waitFor();

    // Today: overdue included, done excluded.
    await lists.getByRole('link', { name: 'Today', exact: true }).click();
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    expect(page.url()).toContain('view=today');
    await expect.poll(() => titles(page)).toEqual(['Pay the overdue bill']);
    expect(await lists.getByRole('link', { name: 'Today', exact: true }).getAttribute('data-status')).toBe('active');
    await screenshot(page, 'views-today-1366');
    await axeClean(page, 'Today, light');

    // Upcoming: the next 7 days.
    await lists.getByRole('link', { name: 'Upcoming', exact: true }).click();
    await page.getByRole('heading', { name: 'Upcoming' }).waitFor();
    await expect.poll(() => titles(page)).toEqual(['Prepare the workshop']);

    // Save a view from the current filters: work tasks, high or urgent, by priority.
    await lists.getByRole('link', { name: 'All tasks', exact: true }).click();
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    await page.getByLabel('Priority').selectOption('high,urgent');
    await page.getByLabel('Tag').fill('work');
    await page.getByLabel('Tag').press('Enter');
    await page.getByLabel('Sort').selectOption('-priority');
    await expect.poll(() => titles(page)).toEqual(['Prepare the workshop', 'Review the budget']);
    await page.getByRole('button', { name: 'Save view' }).click();
    const save = page.getByRole('dialog', { name: 'Save this view' });
    await save.getByLabel('Name').fill('Urgent work');
    await screenshot(page, 'views-save-dialog-1366');
    await axeClean(page, 'save dialog, light');
    await save.getByRole('button', { name: 'Save view' }).click();
    await save.waitFor({ state: 'detached' });
    await lists.getByRole('link', { name: 'Urgent work' }).waitFor();
    const [stored] = (await apiFromPage<{ data: Array<{ query: string }> }>(page, 'GET', '/api/v1/views')).body.data;
    expect(new URLSearchParams(stored!.query).get('priority')).toBe('high,urgent');
    expect(new URLSearchParams(stored!.query).get('tag')).toBe('work');

    // A second one, then open the first from the sidebar: the list shows its filters.
    await lists.getByRole('link', { name: 'All tasks', exact: true }).click();
    await page.getByLabel('Tag').fill('home');
    await page.getByLabel('Tag').press('Enter');
    await expect.poll(() => titles(page)).toEqual(['Read a book']);
    await page.getByRole('button', { name: 'Save view' }).click();
    await save.getByLabel('Name').fill('Home');
    await save.getByRole('button', { name: 'Save view' }).click();
    await save.waitFor({ state: 'detached' });
    await expect.poll(() => savedViews(page)).toEqual(['Urgent work', 'Home']);
    await lists.getByRole('link', { name: 'Urgent work' }).click();
    await expect.poll(() => titles(page)).toEqual(['Prepare the workshop', 'Review the budget']);
    expect(await page.getByLabel('Priority').inputValue()).toBe('high,urgent');
    expect(await lists.getByRole('link', { name: 'Urgent work' }).getAttribute('data-status')).toBe('active');

    // Rename.
    await lists.getByRole('button', { name: 'Options for the view “Urgent work”' }).click();
    await page.getByRole('menuitem', { name: 'Rename…' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename view' });
    await rename.getByLabel('Name').fill('Hot work');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => savedViews(page)).toEqual(['Hot work', 'Home']);

    // Reorder with the keyboard only: focus Home's menu button, open it, Move up.
    await lists.getByRole('button', { name: 'Options for the view “Home”' }).focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    await screenshot(page, 'views-menu-1366');
    await axeClean(page, 'view menu open, light');
    await page.keyboard.press('ArrowDown'); // Rename… → Move up
    await page.keyboard.press('Enter');
    await expect.poll(() => savedViews(page)).toEqual(['Home', 'Hot work']);
    const order = await apiFromPage<{ data: Array<{ name: string; position: number }> }>(page, 'GET', '/api/v1/views');
    expect(order.body.data.map((v) => [v.name, v.position])).toEqual([
      ['Home', 0],
      ['Hot work', 1],
    ]);

    // Dark theme: the sidebar with views and a view's list.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await lists.getByRole('link', { name: 'Home' }).waitFor();
    await expect.poll(() => titles(page).then((t) => t.length)).toBeGreaterThan(0);
    await screenshot(page, 'views-dark-1366');
    await axeClean(page, 'view list, dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Delete (after a confirmation).
    await lists.getByRole('button', { name: 'Options for the view “Hot work”' }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete the view “Hot work”?' });
    await confirm.getByRole('button', { name: 'Delete view' }).click();
    await expect.poll(() => savedViews(page)).toEqual(['Home']);
    const left = await apiFromPage<{ data: Array<{ name: string }> }>(page, 'GET', '/api/v1/views');
    expect(left.body.data.map((v) => v.name)).toEqual(['Home']);
    // Its tasks stay.
    expect((await apiFromPage<{ data: unknown[] }>(page, 'GET', '/api/v1/tasks')).body.data).toHaveLength(5);

    // The dashboard's Upcoming card opens the Upcoming list.
    await page.goto('/dashboard');
    await page.getByRole('link', { name: /^Upcoming 7 days: 1, show these tasks/ }).click();
    await page.getByRole('heading', { name: 'Upcoming' }).waitFor();
    await expect.poll(() => titles(page)).toEqual(['Prepare the workshop']);
    await page.goto('/dashboard');
    await page.getByTestId('charts').waitFor();
    await screenshot(page, 'views-dashboard-1366');
  });
});
