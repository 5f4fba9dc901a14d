/**
 * The calendar (issue 17 item 4): sign up, a dated task shows on its day, dragged with the mouse to another day
 * (checked through the API: the same time of day on the new date, sent with If-Match) and still there after a
 * reload; a click on an empty day opens the new-task dialog with that date and the task created shows on it; the
 * keyboard moves between days (arrows, Page Down / Page Up) and Enter opens the dialog. Axe 0 serious/critical,
 * light and dark. Screenshots e2e/artifacts/calendar-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, wallTime, ymdOf, zonedToUtc } from '../apps/web/src/features/calendar/date-math';
import { axeSeriousViolations, describeViolations } from './axe';
import { apiFromPage, type Browser, createTaskViaApi, freshPage, launch, register, screenshot } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const day = (page: Page, ymd: string) => page.locator(`td[data-date="${ymd}"]`);
const focusedDate = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.date);

async function centre(page: Page, selector: string) {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`no box for ${selector}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Real mouse events in small steps (dnd-kit's pointer sensor starts after 5 px). */
async function dragTo(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 10, from.y + 5, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 20 });
  await page.waitForTimeout(100);
  await page.mouse.up();
}

async function axeClean(page: Page, what: string) {
  const violations = await axeSeriousViolations(page);
  expect(violations, `${what}\n${describeViolations(violations)}`).toEqual([]);
}

describe('calendar', () => {
  it('a dated task on its day, dragged to another day (kept time, If-Match), reload, click a day to add, keyboard', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    const me = await apiFromPage<{ data: { timezone: string } }>(page, 'GET', '/api/v1/users/me');
    const tz = me.body.data.timezone;
    const month = ymdOf(new Date(), tz).slice(0, 7);
    const [from, to, empty] = [`${month}-10`, `${month}-12`, `${month}-15`];
    const due = zonedToUtc(from, 10, 30, 0, tz).toISOString();
    const task = await createTaskViaApi(page, { title: 'Dentist appointment', dueDate: due, priority: 'high' });
    // A weekly task due on the 3rd: its later occurrences (the 10th, 17th, 24th, 31st) show as ghosts.
    const weekly = await createTaskViaApi(page, {
      title: 'Weekly review',
      dueDate: zonedToUtc(`${month}-03`, 8, 0, 0, tz).toISOString(),
      recurrence: { rule: 'FREQ=WEEKLY', mode: 'due' },
    });

    await page.getByRole('link', { name: 'Calendar', exact: true }).click();
    await page.waitForURL('**/calendar');
    const grid = page.getByRole('grid');
    await grid.waitFor();
    const chip = day(page, from).getByTestId('calendar-task').filter({ hasText: 'Dentist appointment' });
    await chip.waitFor();
    expect(await day(page, from).getByTestId('calendar-day-label').textContent()).toMatch(/, 1 task$/);
    await day(page, `${month}-03`).getByTestId('calendar-task').filter({ hasText: 'Weekly review' }).waitFor();
    const ghost = day(page, `${month}-17`).getByTestId('calendar-occurrence');
    await ghost.waitFor();
    expect(await ghost.getAttribute('data-task-id')).toBe(weekly.id);
    expect(await page.getByTestId('calendar-occurrence').count()).toBeGreaterThanOrEqual(3);
    // A ghost opens the real task.
    await ghost.click();
    const edit = page.getByRole('dialog');
    await edit.getByLabel('Title').waitFor();
    await expect.poll(() => edit.getByLabel('Title').inputValue()).toBe('Weekly review');
    await page.keyboard.press('Escape');
    await edit.waitFor({ state: 'detached' });

    // Light and dark, before the move.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForTimeout(300);
    await screenshot(page, 'calendar-month-light');
    await axeClean(page, 'calendar month, light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(500);
    await screenshot(page, 'calendar-month-dark');
    await axeClean(page, 'calendar month, dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForTimeout(300);

    // Drag to another day: PATCH { dueDate } with If-Match, at 10:30 on the new day.
    const patch = page.waitForRequest((r) => r.method() === 'PATCH' && r.url().includes(`/tasks/${task.id}`));
    await dragTo(
      page,
      await centre(page, `td[data-date="${from}"] [data-task-id="${task.id}"]`),
      await centre(page, `td[data-date="${to}"]`),
    );
    const sent = await patch;
    expect(sent.headers()['if-match']).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    await day(page, to).getByText('Dentist appointment').waitFor();
    await expect
      .poll(
        async () =>
          (await apiFromPage<{ data: { dueDate: string } }>(page, 'GET', `/api/v1/tasks/${task.id}`)).body.data.dueDate,
      )
      .toBe(zonedToUtc(to, 10, 30, 0, tz).toISOString());
    const after = (await apiFromPage<{ data: { dueDate: string } }>(page, 'GET', `/api/v1/tasks/${task.id}`)).body.data;
    expect(wallTime(new Date(after.dueDate), tz)).toMatchObject({ hour: 10, minute: 30 });

    await page.reload();
    await day(page, to).getByText('Dentist appointment').waitFor();
    expect(await day(page, from).getByTestId('calendar-task').count()).toBe(0);

    // A click on an empty day: the new-task dialog with that date (09:00), the task then shows on it.
    const box = await day(page, empty).boundingBox();
    if (!box) throw new Error('no day box');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height - 10);
    const dialog = page.getByRole('dialog', { name: 'New task' });
    await dialog.waitFor();
    const browserTz = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    if (browserTz === tz) expect(await dialog.getByLabel(/^Due/).inputValue()).toBe(`${empty}T09:00`);
    await dialog.getByLabel('Title').fill('Added from the calendar');
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await dialog.waitFor({ state: 'detached' });
    await day(page, empty).getByText('Added from the calendar').waitFor();
    await screenshot(page, 'calendar-month-after');

    // Keyboard: the grid is one tab stop; arrows move the focus, Page Down / Up change the month, Enter adds.
    await day(page, empty).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => focusedDate(page)).toBe(addDays(empty, 1));
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedDate(page)).toBe(addDays(empty, 8));
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => focusedDate(page)).toBe(empty);
    const title = page.getByTestId('calendar-title');
    const thisMonth = await title.textContent();
    await page.keyboard.press('PageDown');
    await expect.poll(() => focusedDate(page)).toBe(addMonths(empty, 1));
    expect(await title.textContent()).not.toBe(thisMonth);
    await screenshot(page, 'calendar-keyboard-next-month');
    await page.keyboard.press('PageUp');
    await expect.poll(() => focusedDate(page)).toBe(empty);
    expect(await title.textContent()).toBe(thisMonth);
    // The focus ring is visible on the focused day.
    const outline = await day(page, empty).evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // The week view.
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await expect.poll(() => page.getByRole('gridcell').count()).toBe(7);
    await screenshot(page, 'calendar-week-light');
    await page.close();
  });
});
