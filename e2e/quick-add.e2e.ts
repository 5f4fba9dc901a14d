/**
 * Quick add in the browser: `n` opens the new-task dialog on the quick-add box; typing shows the server's reading
 * (recognised words marked, chips), Enter creates the task from it. Checked against the API afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSeriousViolations, describeViolations } from './axe';
import { apiFromPage, type Browser, freshPage, launch, register, screenshot } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

interface Task {
  title: string;
  priority: string;
  tags: string[];
  dueDate: string | null;
}

/** Weekday, hour and minute of an instant on the wall clock of a time zone. */
function wallClock(iso: string, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${get('weekday')} ${get('hour')}:${get('minute')}`;
}

describe('quick add', () => {
  it('types "review PR next friday !urgent #work", previews it and creates the task with Enter', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    // Dates are read in the user's time zone.
    const tz = await apiFromPage(page, 'PATCH', '/api/v1/users/me', { timezone: 'Europe/Berlin' });
    expect(tz.status).toBe(200);
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();

    await page.keyboard.press('n');
    const dialog = page.getByRole('dialog', { name: 'New task' });
    await dialog.waitFor();
    const box = dialog.getByLabel('Quick add');
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    const line = 'review PR next friday !urgent #work';
    await page.keyboard.type(line, { delay: 20 });

    const highlight = dialog.getByTestId('quick-add-highlight');
    await expect
      .poll(() => highlight.locator('mark').allTextContents(), { timeout: 10_000 })
      .toEqual(['next friday', '!urgent', '#work']);
    expect(await highlight.textContent()).toBe(line);
    const chips = dialog.getByRole('list', { name: 'Recognised' });
    expect(await chips.getByText('Title: review PR').isVisible()).toBe(true);
    expect(await chips.getByText('Priority: Urgent').isVisible()).toBe(true);
    expect(await chips.getByText('#work').isVisible()).toBe(true);
    expect(await chips.getByText(/^Due /).isVisible()).toBe(true);
    // The preview passes axe (no serious or critical violation) in the light and the dark theme.
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const found = await axeSeriousViolations(page);
      expect(found, describeViolations(found)).toEqual([]);
      await screenshot(page, `quick-add-preview-${scheme}`);
    }

    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByTestId('task-row').filter({ hasText: 'review PR' });
    await row.waitFor();
    await screenshot(page, 'quick-add-created');

    const list = await apiFromPage<{ data: Task[] }>(page, 'GET', '/api/v1/tasks');
    expect(list.body.data).toHaveLength(1);
    const task = list.body.data[0]!;
    expect(task).toMatchObject({ title: 'review PR', priority: 'urgent', tags: ['work'] });
    // "next friday" without a time: that Friday at 23:59 in Berlin, within the next two weeks.
    expect(task.dueDate).not.toBeNull();
    expect(wallClock(task.dueDate!, 'Europe/Berlin')).toBe('Friday 23:59');
    const days = (Date.parse(task.dueDate!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(0);
    expect(days).toBeLessThan(14);
    // The row shows what was recognised.
    expect(await row.textContent()).toContain('#work');
    expect(await row.textContent()).toContain('Urgent');
  });
});
