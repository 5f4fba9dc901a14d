/**
 * Undo (issue 16 defect 2) in Chromium against the built app: a row's Delete asks nothing and shows a toast with
 * Undo; Undo brings the task back (the server has it again, its history says "restored"); a completion is undone
 * with `z` (the server has the previous status again); the `?` overlay lists `z`. Screenshots:
 * e2e/artifacts/undo-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, type Browser, createTaskViaApi, freshPage, launch, register, screenshot } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('undo', () => {
  it('deletes a task and brings it back with Undo; completes one and undoes it with z', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    const rent = await createTaskViaApi(page, { title: 'Pay the rent' });
    const milk = await createTaskViaApi(page, { title: 'Buy milk' });
    await page.goto('/tasks');
    const rows = page.getByTestId('task-row');
    await expect.poll(() => rows.count()).toBe(2);

    // Delete: no confirmation, a toast with Undo; the server no longer shows the task.
    await page.getByRole('button', { name: 'Delete “Pay the rent”' }).click();
    const toast = page.getByTestId('toast').filter({ hasText: 'Deleted “Pay the rent”' });
    await toast.waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => rows.count()).toBe(1);
    await expect.poll(async () => (await apiFromPage(page, 'GET', `/api/v1/tasks/${rent.id}`)).status).toBe(404);
    await screenshot(page, 'undo-delete-toast');

    // Undo: the row and the server's task are back, with a new version and a "restored" history entry.
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByText('Pay the rent').waitFor();
    const back = await apiFromPage<{ data: { version: number } }>(page, 'GET', `/api/v1/tasks/${rent.id}`);
    expect(back.status).toBe(200);
    expect(back.body.data.version).toBe(rent.version + 1);
    const history = await apiFromPage<{ data: Array<{ type: string }> }>(
      page,
      'GET',
      `/api/v1/tasks/${rent.id}/history`,
    );
    expect(history.body.data.map((e) => e.type)).toEqual(['restored', 'deleted', 'created']);
    await screenshot(page, 'undo-restored');

    // Complete with the checkbox, then `z`: the server has the task pending again.
    await page.getByRole('checkbox', { name: 'Mark “Buy milk” as done' }).click();
    await page.getByTestId('toast').filter({ hasText: 'Completed “Buy milk”' }).waitFor();
    const status = async () =>
      (await apiFromPage<{ data: { status: string } }>(page, 'GET', `/api/v1/tasks/${milk.id}`)).body.data.status;
    await expect.poll(status).toBe('completed');
    await screenshot(page, 'undo-completed-toast');
    await page.keyboard.press('z');
    await expect.poll(status).toBe('pending');
    await page.getByRole('checkbox', { name: 'Mark “Buy milk” as done' }).waitFor();
    await expect.poll(() => page.getByTestId('toast').filter({ hasText: 'Completed “Buy milk”' }).count()).toBe(0);
    await screenshot(page, 'undo-complete-undone');

    // The help overlay lists z.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Shift+?');
    const help = page.getByTestId('shortcut-help');
    await help.waitFor();
    expect(await help.textContent()).toContain('Undo the last delete, completion or bulk change');
    await screenshot(page, 'undo-help');
    await page.close();
  });
});
