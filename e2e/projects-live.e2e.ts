/**
 * Projects live (issue 15 item 7, web): two browsers, an owner and an editor of one project, both on its board.
 * The owner drags a card to another column and the editor's board shows it there without a reload (SSE); the
 * editor opens the task's detail panel (its own URL, which survives a reload) and sees the owner's comment and new
 * subtask arrive live; Escape closes the panel and focus returns to the card. Then "Assigned to me" lists a task
 * the owner assigned to the editor, and the project page's stats count by status. Axe 0 serious/critical on the
 * panel, light and dark. Screenshots e2e/artifacts/projects-live-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSeriousViolations, describeViolations } from './axe';
import { apiFromPage, type Browser, freshPage, launch, mailLink, newUser, register, screenshot } from './helpers';

let ownerBrowser: Browser;
let editorBrowser: Browser;
beforeAll(async () => {
  ownerBrowser = await launch();
  editorBrowser = await launch();
});
afterAll(async () => {
  await ownerBrowser?.close();
  await editorBrowser?.close();
});

const column = (page: Page, status: string) => page.getByTestId(`column-${status}`);
const cardTitles = (page: Page, status: string) => column(page, status).getByTestId('card-title').allTextContents();

async function axeBothThemes(page: Page, what: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(300);
    const violations = await axeSeriousViolations(page);
    expect(violations, `${what}, ${scheme}\n${describeViolations(violations)}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const centre = async (loc: ReturnType<Page['locator']>) => {
  const box = await loc.boundingBox();
  if (!box) throw new Error('not visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

/** Marks the page: a reload (or a full navigation) loses the mark. */
const mark = (page: Page) => page.evaluate(() => ((window as { __noReload?: number }).__noReload = 1));
const stillMarked = (page: Page) => page.evaluate(() => (window as { __noReload?: number }).__noReload === 1);

describe('projects live', () => {
  it("an owner's move, comment and subtask reach the editor's open board and panel without a reload", async () => {
    // ---- The owner: a project with two tasks, an invitation for the editor.
    const a = await freshPage(ownerBrowser.context);
    await a.setViewportSize({ width: 1366, height: 900 });
    await register(a, newUser('Olivia Owner'));
    const created = await apiFromPage<{ data: { id: string } }>(a, 'POST', '/api/v1/projects', { name: 'Live board' });
    expect(created.status).toBe(201);
    const projectId = created.body.data.id;
    const taskIds: Record<string, string> = {};
    for (const title of ['Ship it', 'Write notes']) {
      const r = await apiFromPage<{ data: { id: string } }>(a, 'POST', '/api/v1/tasks', { title, projectId });
      expect(r.status).toBe(201);
      taskIds[title] = r.body.data.id;
    }
    const editor = newUser('Eddie Editor');
    const inv = await apiFromPage(a, 'POST', `/api/v1/projects/${projectId}/invitations`, {
      email: editor.email,
      role: 'editor',
    });
    expect(inv.status).toBe(201);

    // ---- The editor signs up, accepts, and lands on the board.
    const b = await freshPage(editorBrowser.context);
    await b.setViewportSize({ width: 1366, height: 900 });
    const editorUser = await register(b, editor);
    await b.goto(await mailLink(editor.email, '/invitations'));
    await b.getByRole('button', { name: 'Accept invitation' }).click();
    await b.waitForURL(`**/projects/${projectId}**`);
    await expect.poll(() => cardTitles(b, 'pending')).toEqual(['Ship it', 'Write notes']);

    await a.goto(`/projects/${projectId}`);
    await expect.poll(() => cardTitles(a, 'pending')).toEqual(['Ship it', 'Write notes']);
    // Give the editor's event stream a moment to be open before the owner writes.
    await b.waitForTimeout(1000);
    await mark(b);

    // ---- The owner drags "Ship it" into In progress; the editor's board follows, no reload.
    const handle = column(a, 'pending').getByRole('button', { name: 'Move “Ship it”' });
    const from = await centre(handle);
    const to = await centre(column(a, 'in_progress'));
    await a.mouse.move(from.x, from.y);
    await a.mouse.down();
    await a.mouse.move(from.x + 10, from.y + 10, { steps: 5 });
    await a.mouse.move(to.x, to.y, { steps: 20 });
    await a.waitForTimeout(100);
    await a.mouse.up();
    await expect.poll(() => cardTitles(a, 'in_progress')).toEqual(['Ship it']);
    await expect.poll(() => cardTitles(b, 'in_progress'), { timeout: 10_000 }).toEqual(['Ship it']);
    expect(await cardTitles(b, 'pending')).toEqual(['Write notes']);
    expect(await stillMarked(b)).toBe(true);
    // The project page's stats follow too (by status), on both pages.
    for (const p of [a, b]) {
      await expect.poll(() => p.getByTestId('stat-in_progress').textContent()).toMatch(/1$/);
      await expect.poll(() => p.getByTestId('stat-pending').textContent()).toMatch(/1$/);
    }
    await screenshot(a, 'projects-live-owner-after-move-1366');
    await screenshot(b, 'projects-live-editor-sees-move-1366');

    // ---- The editor opens "Ship it" from its card: the panel has its own URL.
    const cardTitle = column(b, 'in_progress').getByTestId('card-title').filter({ hasText: 'Ship it' });
    await cardTitle.click();
    const panel = b.getByRole('dialog', { name: 'Task details' });
    await panel.getByTestId('task-detail-title').filter({ hasText: 'Ship it' }).waitFor();
    await b.waitForURL(`**/projects/${projectId}?*task=${taskIds['Ship it']}*`);
    expect(await panel.getByTestId('task-fields').textContent()).toContain('In progress');
    // The history names who moved it.
    await expect.poll(() => panel.getByTestId('history-entry').first().textContent()).toContain('Olivia Owner');

    // ---- The owner comments and adds a subtask in the same task's panel; the editor's panel shows both live.
    await a.goto(`/projects/${projectId}?task=${taskIds['Ship it']}`);
    const aPanel = a.getByRole('dialog', { name: 'Task details' });
    await aPanel.getByTestId('task-detail-title').waitFor();
    await aPanel.getByLabel('Add a comment').fill('Shipping **today**');
    await aPanel.getByRole('button', { name: 'Comment', exact: true }).click();
    await aPanel.getByTestId('comment').waitFor();
    await aPanel.getByLabel('New subtask').fill('Tag the release');
    await aPanel.getByRole('button', { name: 'Add subtask' }).click();
    await expect.poll(() => aPanel.getByTestId('subtask').allTextContents()).toEqual(['Tag the release']);

    await expect
      .poll(() => panel.getByTestId('comment-body').first().innerHTML(), { timeout: 10_000 })
      .toContain('<strong>today</strong>');
    await expect
      .poll(() => panel.getByTestId('subtask').allTextContents(), { timeout: 10_000 })
      .toEqual(['Tag the release']);
    expect(await stillMarked(b)).toBe(true);
    await screenshot(b, 'projects-live-editor-panel-1366');
    await axeBothThemes(b, 'task detail panel');

    // ---- The editor ticks the subtask off; the count says so.
    const box = panel.getByRole('checkbox', { name: 'Done: Tag the release' });
    await box.click();
    await expect.poll(() => box.isChecked()).toBe(true);
    await expect.poll(() => panel.getByTestId('subtask-count').textContent()).toContain('1 of 1 done');

    // ---- Escape closes the panel, the URL loses ?task, and focus is back on the card that opened it.
    await b.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    await expect.poll(() => new URL(b.url()).searchParams.get('task')).toBeNull();
    await expect.poll(() => b.evaluate(() => document.activeElement?.textContent ?? '')).toBe('Ship it');

    // ---- A link to the panel survives a reload.
    await b.goto(`/projects/${projectId}?task=${taskIds['Write notes']}`);
    await panel.getByTestId('task-detail-title').filter({ hasText: 'Write notes' }).waitFor();
    await b.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });

    // ---- "Assigned to me": the owner assigns "Write notes" to the editor; the editor's sidebar view lists it.
    const me = await apiFromPage<{ data: { id: string } }>(b, 'GET', '/api/v1/auth/me');
    const notes = await apiFromPage<{ data: { version: number } }>(a, 'GET', `/api/v1/tasks/${taskIds['Write notes']}`);
    const assign = await apiFromPage(a, 'PATCH', `/api/v1/tasks/${taskIds['Write notes']}`, {
      assigneeId: me.body.data.id,
    });
    expect(assign.status, JSON.stringify(notes.body)).toBe(200);
    await b.getByTestId('assigned-link').first().click();
    await b.getByRole('heading', { name: 'Assigned to me' }).waitFor();
    await expect
      .poll(() => b.getByTestId('assigned-task').allTextContents())
      .toEqual([expect.stringContaining('Write notes')]);
    await screenshot(b, 'projects-live-assigned-1366');
    await axeBothThemes(b, 'assigned to me');
    // Its link opens the task's panel on its project page.
    await b.getByRole('link', { name: 'Write notes' }).click();
    await b.waitForURL(`**/projects/${projectId}?*task=${taskIds['Write notes']}*`);
    await expect
      .poll(() => b.getByRole('dialog', { name: 'Task details' }).getByTestId('task-fields').textContent())
      .toContain(editorUser.name);
  }, 150_000);
});
