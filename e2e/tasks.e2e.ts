import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromPage, type Browser, createTaskViaApi, freshPage, launch, register, screenshot } from './helpers';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('tasks', () => {
  it('creates, edits, completes and deletes a task', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();

    // Create with the full form (the dialog takes focus on its quick-add box, quick-add.e2e.ts).
    await page.getByRole('button', { name: 'New task' }).click();
    const dialog = page.getByRole('dialog', { name: 'New task' });
    await dialog.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('quickAdd');
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await dialog
      .getByText(/at least 1 character|too small|required/i)
      .first()
      .waitFor();
    await dialog.getByLabel('Title').fill('Write the quarterly report');
    await dialog.getByLabel('Description').fill('Numbers from finance');
    await dialog.getByLabel('Priority').selectOption('high');
    await dialog.getByLabel('Tags').fill('Work, reports');
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByTestId('task-row').filter({ hasText: 'Write the quarterly report' });
    await row.waitFor();
    expect(await row.textContent()).toContain('#work');
    expect(await row.textContent()).toContain('High');

    // Edit.
    await row.getByTestId('task-title').click();
    const edit = page.getByRole('dialog', { name: 'Edit task' });
    await edit.getByLabel('Title').fill('Write the annual report');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    const edited = page.getByTestId('task-row').filter({ hasText: 'Write the annual report' });
    await edited.waitFor();

    // Complete (optimistic) and check the server agrees.
    await edited.getByRole('checkbox', { name: /as done/ }).check();
    await edited.getByText('Completed').waitFor();
    await expect
      .poll(async () => {
        const list = await apiFromPage<{ data: Array<{ title: string; status: string }> }>(
          page,
          'GET',
          '/api/v1/tasks',
        );
        return list.body.data.find((t) => t.title === 'Write the annual report')?.status;
      })
      .toBe('completed');

    // History shows the changes.
    await edited.getByRole('button', { name: /History of/ }).click();
    const history = page.getByRole('dialog', { name: 'Task history' });
    await history.getByText('Completed').first().waitFor();
    await history.getByText('Title:').first().waitFor();
    await screenshot(page, 'task-history');
    await page.keyboard.press('Escape');
    await history.waitFor({ state: 'detached' });

    // Delete.
    await edited.getByRole('button', { name: /Delete “/ }).click();
    await edited.waitFor({ state: 'detached' });
    await page.getByText('No tasks yet').waitFor();
    await expect
      .poll(async () => (await apiFromPage<{ data: unknown[] }>(page, 'GET', '/api/v1/tasks')).body.data.length)
      .toBe(0);
  });

  it('searches and filters with the state kept in the URL', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    await createTaskViaApi(page, { title: 'Buy oat milk', priority: 'low', tags: ['home'] });
    await createTaskViaApi(page, { title: 'Fix the login bug', priority: 'urgent', tags: ['work'] });
    await createTaskViaApi(page, { title: 'Plan the offsite', status: 'completed', tags: ['work'] });
    const due = new Date(Date.now() - 86_400_000).toISOString();
    await createTaskViaApi(page, { title: 'Renew passport', dueDate: due, tags: ['home'] });

    await page.goto('/tasks');
    const rows = page.getByTestId('task-row');
    await expect.poll(() => rows.count()).toBe(4);

    await page.getByLabel('Search').fill('login');
    await page.waitForURL(/q=login/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Fix the login bug');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count()).toBe(4);

    await page.getByLabel('Tag').fill('work');
    await page.getByLabel('Tag').press('Enter');
    await page.waitForURL(/tag=work/);
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel('Status').selectOption('completed');
    await page.waitForURL(/status=completed/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Plan the offsite');

    // The URL is the state: a reload keeps the filters.
    await page.reload();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByLabel('Status').inputValue()).toBe('completed');

    await page.goto('/tasks?overdue=true');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Renew passport');

    await page.goto('/tasks?sort=title');
    await expect.poll(() => rows.count()).toBe(4);
    expect(await rows.first().textContent()).toContain('Buy oat milk');
    await screenshot(page, 'tasks-list');
  });

  it('bulk-updates and bulk-deletes the selected tasks', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    for (const title of ['One', 'Two', 'Three']) await createTaskViaApi(page, { title });
    await page.goto('/tasks');
    const rows = page.getByTestId('task-row');
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByLabel('Select all loaded').check();
    await page.getByLabel('Set status of the selected tasks').selectOption('in_progress');
    await page.getByText('3 tasks updated').waitFor();
    await expect.poll(async () => (await page.getByText('In progress').count()) >= 3).toBe(true);
    await page.getByRole('button', { name: 'Delete selected' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No tasks yet').waitFor();
  });

  it('loads more rows on scroll (virtualised list, cursor pages)', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    await page.evaluate(async () => {
      const csrf = decodeURIComponent(/csrf_token=([^;]+)/.exec(document.cookie)?.[1] ?? '');
      const rows = Array.from({ length: 120 }, (_, i) => ({ title: `Bulk task ${String(i).padStart(3, '0')}` }));
      const res = await fetch('/api/v1/tasks/import', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify(rows),
      });
      if (!res.ok) throw new Error(`import ${res.status}`);
    });
    const pages: string[] = [];
    page.on('request', (r) => {
      if (/\/api\/v1\/tasks\?/.test(r.url())) pages.push(r.url());
    });
    await page.goto('/tasks?sort=title');
    const rows = page.getByTestId('task-row');
    await rows.first().waitFor();
    // Virtualised: far fewer rows in the DOM than loaded.
    expect(await rows.count()).toBeLessThan(50);
    for (let i = 0; i < 10; i++) {
      // The list is the page (issue 16 defect 3): the document scrolls, not a box.
      await page.evaluate(() => window.scrollTo(0, document.scrollingElement?.scrollHeight ?? 0));
      await page.waitForTimeout(200);
    }
    await page.getByText('Bulk task 119').waitFor();
    expect(pages.some((u) => u.includes('cursor='))).toBe(true);
  });

  it('shows the newer version on a 412 and lets the user reapply', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    const task = await createTaskViaApi(page, { title: 'Shared task', priority: 'low' });
    await page.goto('/tasks');
    await page.getByTestId('task-title').filter({ hasText: 'Shared task' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit task' });
    await edit.getByLabel('Title').waitFor();
    // Someone else changes the task meanwhile.
    const other = await apiFromPage(page, 'PATCH', `/api/v1/tasks/${task.id}`, { priority: 'urgent' });
    expect(other.status).toBe(200);
    await edit.getByLabel('Title').fill('Shared task, edited here');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.getByTestId('conflict').waitFor();
    expect(await edit.getByTestId('conflict').textContent()).toContain('Urgent');
    await screenshot(page, 'task-conflict');
    await edit.getByRole('button', { name: 'Reapply my changes' }).click();
    await edit.waitFor({ state: 'detached' });
    const saved = await apiFromPage<{ data: { title: string; priority: string; version: number } }>(
      page,
      'GET',
      `/api/v1/tasks/${task.id}`,
    );
    expect(saved.body.data).toMatchObject({ title: 'Shared task, edited here', priority: 'urgent', version: 3 });
  });

  it('rolls back an optimistic change the server refuses, with a toast', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    await createTaskViaApi(page, { title: 'Stubborn task' });
    // The server refuses the next status change.
    await page.route('**/api/v1/tasks/*', (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({
            status: 409,
            contentType: 'application/problem+json',
            body: JSON.stringify({ success: false, status: 409, code: 'CONFLICT', detail: 'Refused for the test' }),
          })
        : route.continue(),
    );
    await page.goto('/tasks');
    const row = page.getByTestId('task-row').filter({ hasText: 'Stubborn task' });
    const done = row.getByRole('checkbox', { name: /as done/ });
    await done.check({ trial: true });
    await done.click();
    await page.getByTestId('toast').filter({ hasText: 'Refused for the test' }).waitFor();
    await expect.poll(() => row.getByRole('checkbox', { name: /as done/ }).isChecked()).toBe(false);
    expect(await row.textContent()).toContain('Pending');
    await page.unroute('**/api/v1/tasks/*');
  });

  it('never loads the chart code on the task list', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    await page.goto('/tasks');
    await page.getByText('No tasks yet').waitFor();
    await page.getByRole('link', { name: 'Profile' }).hover();
    await page.waitForTimeout(1000);
    expect(scripts.some((s) => /\/assets\/charts-/.test(s))).toBe(false);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByTestId('charts').waitFor();
    expect(scripts.some((s) => /\/assets\/charts-/.test(s))).toBe(true);
  });

  it('applies real-time events from another tab and shows an offline banner', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    await page.goto('/tasks');
    await page.getByText('No tasks yet').waitFor();
    // Another tab of the same user writes; this one hears it over SSE.
    const other = await browser.context.newPage();
    await other.goto('/dashboard');
    const created = await createTaskViaApi(other, { title: 'Made in the other tab' });
    const row = page.getByTestId('task-row').filter({ hasText: 'Made in the other tab' });
    await row.waitFor();
    await apiFromPage(other, 'PATCH', `/api/v1/tasks/${created.id}`, { title: 'Renamed in the other tab' });
    await page.getByTestId('task-row').filter({ hasText: 'Renamed in the other tab' }).waitFor();
    await apiFromPage(other, 'DELETE', `/api/v1/tasks/${created.id}`);
    await page.getByText('No tasks yet').waitFor();
    await other.close();

    await browser.context.setOffline(true);
    await page.getByText('You are offline').waitFor();
    await browser.context.setOffline(false);
    await page.getByText('You are offline').waitFor({ state: 'detached' });
  });

  it('imports a CSV file and exports the tasks', async () => {
    const page = await freshPage(browser.context);
    await register(page);
    await page.goto('/tasks');
    await page.getByText('No tasks yet').waitFor();
    await page.getByRole('button', { name: 'Import' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import tasks' });
    await dialog.getByLabel('File').setInputFiles({
      name: 'tasks.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('title,priority,tags\nImported one,high,a;b\nImported two,low,\n,medium,\n'),
    });
    // A dry run first: the preview counts the rows and names the bad one; nothing is written until confirmed.
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByRole('button', { name: 'Import 2 tasks' }).waitFor();
    await screenshot(page, 'import-preview');
    expect((await apiFromPage<{ data: unknown[] }>(page, 'GET', '/api/v1/tasks')).body.data).toHaveLength(0);
    await dialog.getByRole('button', { name: 'Import 2 tasks' }).click();
    await dialog.getByText(/Imported 2 tasks/).waitFor();
    expect(await dialog.getByText(/Row \d+:/).count()).toBe(1);
    await page.keyboard.press('Escape');
    await page.getByTestId('task-row').filter({ hasText: 'Imported one' }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^tasks-.*\.csv$/);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const csv = Buffer.concat(chunks).toString('utf8');
    expect(csv).toContain('Imported one');
    expect(csv).toContain('Imported two');
  });
});
