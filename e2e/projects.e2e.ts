/**
 * Projects (issue 15 items 1-3, web): create a project from the sidebar, its tasks on the board, a card dragged to
 * another column with the mouse and one moved with the keyboard (each checked through the API: status and
 * board order), an invitation mailed to a second person who signs up from the link, comes back and accepts, and
 * then sees the project; a viewer's board has no drag handles and the API refuses a viewer's move (403).
 * Axe 0 serious/critical on the new screens, light and dark. Screenshots e2e/artifacts/projects-*.png at 1366 and
 * 390 px.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSeriousViolations, describeViolations } from './axe';
import { apiFromPage, type Browser, freshPage, launch, mailLink, newUser, register, screenshot } from './helpers';

let owner: Browser;
let guest: Browser;
beforeAll(async () => {
  owner = await launch();
  guest = await launch();
});
afterAll(async () => {
  await owner?.close();
  await guest?.close();
});

async function axeClean(page: Page, what: string) {
  const violations = await axeSeriousViolations(page);
  expect(violations, `${what}\n${describeViolations(violations)}`).toEqual([]);
}

/** Both themes: axe in light, then dark (the page stays dark only for the check). */
async function axeBothThemes(page: Page, what: string) {
  await page.emulateMedia({ colorScheme: 'light' });
  await axeClean(page, `${what}, light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(500);
  await axeClean(page, `${what}, dark`);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForTimeout(500);
}

interface ApiTask {
  id: string;
  title: string;
  status: string;
  position: string | null;
  version: number;
}

async function boardOrder(page: Page, projectId: string): Promise<Record<string, string[]>> {
  const res = await apiFromPage<{ data: ApiTask[] }>(
    page,
    'GET',
    `/api/v1/tasks?projectId=${projectId}&sort=position&limit=100`,
  );
  const cols: Record<string, string[]> = {};
  for (const t of res.body.data) cols[t.status] = [...(cols[t.status] ?? []), t.title];
  return cols;
}

const column = (page: Page, status: string) => page.getByTestId(`column-${status}`);
const cardTitles = (page: Page, status: string) => column(page, status).getByTestId('card-title').allTextContents();

/** Drags with real mouse events in small steps (dnd-kit's pointer sensor starts after 5 px). */
async function dragTo(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 10, from.y + 10, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 20 });
  await page.waitForTimeout(100);
  await page.mouse.up();
}

const centre = async (loc: ReturnType<Page['locator']>) => {
  const box = await loc.boundingBox();
  if (!box) throw new Error('not visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

describe('projects', () => {
  it('create, board moves by mouse and keyboard, invite, sign up from the link, accept; a viewer cannot move', async () => {
    // ---- The owner creates a project from the sidebar.
    const page = await freshPage(owner.context);
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    const ownerUser = await register(page, newUser('Olivia Owner'));
    const nav = page.getByTestId('projects-nav').first();
    await nav.getByRole('link', { name: /Inbox/ }).waitFor();
    await nav.getByRole('button', { name: 'New project' }).click();
    const create = page.getByRole('dialog', { name: 'New project' });
    await create.getByLabel('Name').fill('Launch');
    await create.getByText('Green', { exact: true }).click({ force: true });
    await screenshot(page, 'projects-create-1366');
    await axeBothThemes(page, 'create project dialog');
    await create.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}/);
    const projectId = /\/projects\/([0-9a-f-]{36})/.exec(page.url())?.[1] as string;
    await page.getByRole('heading', { name: 'Launch' }).waitFor();
    // The sidebar lists it after the inbox.
    await expect
      .poll(() => nav.getByTestId('project-link').allTextContents())
      .toEqual([expect.stringMatching(/^Inbox/), expect.stringMatching(/^Launch/)]);

    // ---- Tasks: one from the page's New task dialog (the Project select starts on this project), two by the API.
    await page.getByRole('button', { name: 'New task' }).click();
    const dialog = page.getByRole('dialog', { name: 'New task' });
    expect(await dialog.getByLabel('Project').inputValue()).toBe(projectId);
    await dialog.getByLabel('Title', { exact: true }).fill('Write copy');
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await dialog.waitFor({ state: 'hidden' });
    for (const title of ['Design banner', 'Book venue']) {
      const r = await apiFromPage(page, 'POST', '/api/v1/tasks', { title, projectId });
      expect(r.status).toBe(201);
    }
    await page.reload();
    await expect.poll(() => cardTitles(page, 'pending')).toEqual(['Write copy', 'Design banner', 'Book venue']);
    await screenshot(page, 'projects-board-1366');
    await axeBothThemes(page, 'board');

    // ---- Mouse: drag "Write copy" by its handle into In progress.
    const handle = column(page, 'pending').getByRole('button', { name: 'Move “Write copy”' });
    await dragTo(page, await centre(handle), await centre(column(page, 'in_progress')));
    await expect.poll(() => cardTitles(page, 'in_progress')).toEqual(['Write copy']);
    await expect
      .poll(() => boardOrder(page, projectId))
      .toEqual({ pending: ['Design banner', 'Book venue'], in_progress: ['Write copy'] });

    // ---- Keyboard: "Book venue" up above "Design banner" (Space, ArrowUp, Space), then right into In progress.
    const venue = column(page, 'pending').getByRole('button', { name: 'Move “Book venue”' });
    await venue.focus();
    await page.keyboard.press('Space');
    await page.waitForTimeout(150);
    await page.keyboard.press('ArrowUp');
    await page.waitForTimeout(150);
    await page.keyboard.press('Space');
    await expect.poll(() => cardTitles(page, 'pending')).toEqual(['Book venue', 'Design banner']);
    await expect
      .poll(() => boardOrder(page, projectId))
      .toEqual({ pending: ['Book venue', 'Design banner'], in_progress: ['Write copy'] });
    // The move was announced for screen readers (dnd-kit's live region).
    expect(await page.getByText(/Dropped “Book venue”/).count()).toBeGreaterThan(0);

    const banner = column(page, 'pending').getByRole('button', { name: 'Move “Design banner”' });
    await banner.focus();
    await page.keyboard.press('Space');
    await page.waitForTimeout(150);
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(150);
    await page.keyboard.press('Space');
    await expect
      .poll(async () => (await boardOrder(page, projectId)).in_progress?.includes('Design banner'))
      .toBe(true);
    expect((await boardOrder(page, projectId)).pending).toEqual(['Book venue']);

    // List view of the same tasks.
    await page.getByRole('button', { name: 'List', exact: true }).click();
    await expect.poll(() => page.getByTestId('project-task').count()).toBe(3);
    await axeBothThemes(page, 'project list view');
    await page.getByRole('button', { name: 'Board', exact: true }).click();

    // ---- Comments (item 5) in the task detail panel: markdown rendered, a hostile comment rendered inert in
    // Chromium's DOM.
    await column(page, 'pending').getByTestId('card-title').filter({ hasText: 'Book venue' }).click();
    const edit = page.getByRole('dialog', { name: 'Task details' });
    await edit
      .getByLabel('Add a comment')
      .fill(
        [
          'Looks **good**, see [the brief](https://example.com/brief)',
          '<img src=x onerror="window.__pwned=1">',
          '[click me](javascript:window.__pwned=2)',
          '<a href="javascript:window.__pwned=3">raw link</a>',
          '<svg onload="window.__pwned=4"></svg><script>window.__pwned=5</script>',
        ].join('\n\n'),
      );
    await edit.getByRole('button', { name: 'Comment', exact: true }).click();
    const body = edit.getByTestId('comment-body').first();
    await body.locator('strong').waitFor();
    expect(await body.locator('strong').textContent()).toBe('good');
    expect(await body.locator('img, svg, script, iframe').count()).toBe(0);
    expect(await body.locator('a[href^="https://example.com"]').getAttribute('rel')).toBe(
      'noopener noreferrer nofollow',
    );
    expect(await body.evaluate((el) => el.innerHTML)).not.toMatch(/onerror|onload|javascript:/i);
    await body.getByText('click me').click();
    await body.getByText('raw link').click();
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    await screenshot(page, 'projects-comments-1366');
    await axeBothThemes(page, 'task detail panel with comments');
    await page.keyboard.press('Escape');
    await edit.waitFor({ state: 'hidden' });

    // ---- Invite a second person as editor; the invitation is pending.
    const editor = newUser('Eddie Editor');
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Project settings' });
    await settings.getByLabel('Email').fill(editor.email);
    await settings.getByLabel('Role', { exact: true }).selectOption('editor');
    await settings.getByRole('button', { name: 'Send invitation' }).click();
    await expect
      .poll(() => settings.getByTestId('invitation').allTextContents())
      .toEqual([expect.stringContaining(editor.email)]);
    await screenshot(page, 'projects-settings-1366');
    await axeBothThemes(page, 'project settings');
    await page.keyboard.press('Escape');

    // ---- The invitee opens the mailed link signed out, signs up from it, comes back and accepts.
    const link = await mailLink(editor.email, '/invitations');
    const gp = await freshPage(guest.context);
    await gp.setViewportSize({ width: 390, height: 844 });
    await gp.emulateMedia({ colorScheme: 'light' });
    await gp.goto(link);
    await gp.getByRole('heading', { name: 'You are invited to a project' }).waitFor();
    await screenshot(gp, 'projects-invitation-signed-out-390');
    await axeBothThemes(gp, 'invitation page, signed out');
    await gp.getByRole('link', { name: 'Create an account' }).click();
    await gp.getByLabel('Name', { exact: true }).fill(editor.name);
    await gp.getByLabel('Email', { exact: true }).fill(editor.email);
    await gp.getByLabel('Password', { exact: true }).fill(editor.password);
    await gp.getByRole('button', { name: 'Create account' }).click();
    await gp.waitForURL('**/invitations?token=*');
    await gp.getByRole('button', { name: 'Accept invitation' }).waitFor();
    await screenshot(gp, 'projects-invitation-signed-in-390');
    await axeBothThemes(gp, 'invitation page, signed in');
    await gp.getByRole('button', { name: 'Accept invitation' }).click();
    await gp.waitForURL(`**/projects/${projectId}**`);
    await gp.getByRole('heading', { name: 'Launch' }).waitFor();
    await expect.poll(() => gp.getByTestId('board-card').count()).toBe(3);
    // An editor may move cards: the handles are there.
    expect(await gp.getByTestId('drag-handle').count()).toBe(3);
    await screenshot(gp, 'projects-board-390');
    await axeBothThemes(gp, 'board, phone');
    // The same link a second time: used.
    await gp.goto(link);
    await gp.getByRole('button', { name: 'Accept invitation' }).click();
    await gp
      .getByRole('alert')
      .getByText(/can no longer be used/)
      .waitFor();

    // The owner sees the new member.
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect
      .poll(() => page.getByTestId('member').allTextContents())
      .toEqual([expect.stringContaining(ownerUser.email), expect.stringContaining(editor.email)]);
    await page.keyboard.press('Escape');

    // ---- A viewer: invited through the API, signs up, accepts; no handles, no New task, the API refuses a move.
    const viewer = newUser('Vera Viewer');
    const inv = await apiFromPage(page, 'POST', `/api/v1/projects/${projectId}/invitations`, {
      email: viewer.email,
      role: 'viewer',
    });
    expect(inv.status).toBe(201);
    const viewerLink = await mailLink(viewer.email, '/invitations');
    const vp = await freshPage(guest.context);
    await vp.setViewportSize({ width: 1366, height: 900 });
    await register(vp, viewer);
    await vp.goto(viewerLink);
    await vp.getByRole('button', { name: 'Accept invitation' }).click();
    await vp.waitForURL(`**/projects/${projectId}**`);
    await expect.poll(() => vp.getByTestId('board-card').count()).toBe(3);
    await vp.getByTestId('read-only-note').waitFor();
    expect(await vp.getByTestId('drag-handle').count()).toBe(0);
    expect(await vp.getByRole('button', { name: 'New task' }).count()).toBe(0);
    await screenshot(vp, 'projects-board-viewer-1366');
    await axeBothThemes(vp, 'board, viewer');
    // Trying a drag on the card anyway moves nothing.
    const before = await boardOrder(vp, projectId);
    const card = column(vp, 'pending').getByTestId('board-card').first();
    await dragTo(vp, await centre(card), await centre(column(vp, 'completed')));
    await vp.waitForTimeout(300);
    expect(await boardOrder(vp, projectId)).toEqual(before);
    const tasks = await apiFromPage<{ data: ApiTask[] }>(vp, 'GET', `/api/v1/tasks?projectId=${projectId}`);
    const refused = await apiFromPage(vp, 'PATCH', `/api/v1/tasks/${tasks.body.data[0]?.id}`, { status: 'completed' });
    expect(refused.status).toBe(403);
  }, 120_000);
});
