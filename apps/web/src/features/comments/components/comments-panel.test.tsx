// @vitest-environment happy-dom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import createDOMPurify from 'dompurify';
import { JSDOM } from 'jsdom';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeFetch, ok, problem, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { renderMarkdown } from '../markdown';
import { CommentsPanel } from './comments-panel';

const TASK = '00000000-0000-4000-8000-000000000101';
const ME = '00000000-0000-4000-8000-0000000000aa';
const OTHER = '00000000-0000-4000-8000-0000000000bb';
const comment = (id: string, authorId: string, body: string) => ({
  id: `00000000-0000-4000-8000-00000000${id.padStart(4, '0')}`,
  taskId: TASK,
  authorId,
  authorName: authorId === ME ? 'Me' : 'Someone',
  body,
  createdAt: '2030-01-01T10:00:00.000Z',
  updatedAt: '2030-01-01T10:00:00.000Z',
});

/** Everything a hostile comment may try. */
const XSS = [
  'Hello **there** and [docs](https://example.com/docs)',
  '<img src=x onerror="window.__pwned=1">',
  '[click me](javascript:window.__pwned=2)',
  '<a href="javascript:window.__pwned=3">raw link</a>',
  '<script>window.__pwned=4</script>',
  '<svg onload="window.__pwned=5"></svg>',
  '<iframe src="about:blank" name="frame"></iframe>',
  '<p style="background:url(javascript:alert(1))" onclick="window.__pwned=6">styled</p>',
].join('\n\n');

/**
 * DOMPurify over jsdom's standard DOM (happy-dom's parser keeps onerror attributes through DOMPurify, so the check
 * would say nothing there; in the browser it runs over Chromium's, e2e/projects.e2e.ts).
 */
const { window: jsdomWindow } = new JSDOM('<!doctype html><body></body>');
const purify = createDOMPurify(jsdomWindow as unknown as Window & typeof globalThis);

describe('comment markdown', () => {
  it('renders markdown and keeps nothing that runs: no img, script, svg, iframe, handlers, javascript: links', () => {
    const host = jsdomWindow.document.createElement('div');
    host.innerHTML = renderMarkdown(XSS, purify);
    expect(host.querySelector('strong')?.textContent).toBe('there');
    const safe = host.querySelector('a[href="https://example.com/docs"]');
    expect(safe?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(host.querySelectorAll('img, script, svg, iframe, style').length).toBe(0);
    for (const el of host.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        expect(attr.name.startsWith('on'), `${el.tagName} ${attr.name}`).toBe(false);
        expect(attr.name).not.toBe('style');
        expect(attr.value.toLowerCase()).not.toContain('javascript:');
      }
    }
    // The text of the links stays (inert): the reader sees what was written.
    expect(host.textContent).toContain('click me');
    expect(host.textContent).toContain('raw link');
  });
});

describe('comments panel', () => {
  beforeEach(signIn);

  it('lists comments rendered sanitised, adds one, and offers Edit/Delete only on my own', async () => {
    const list = [comment('1', OTHER, XSS), comment('2', ME, 'mine')];
    const net = fakeFetch(({ url, method, body }) => {
      if (url === '/api/v1/auth/me') return ok({ id: ME, name: 'Me', email: 'me@example.com' });
      if (url === `/api/v1/tasks/${TASK}/comments` && method === 'GET') return ok(list);
      if (url === `/api/v1/tasks/${TASK}/comments` && method === 'POST') {
        const c = comment('3', ME, (body as { body: string }).body);
        list.push(c);
        return ok(c, { status: 201 });
      }
      return problem(404, 'NOT_FOUND', 'Not found');
    });
    renderWithApp(<CommentsPanel taskId={TASK} canWrite isOwner={false} />);
    const items = await screen.findAllByTestId('comment');
    expect(items).toHaveLength(2);
    const hostile = items[0] as HTMLElement;
    expect(hostile.querySelector('strong')?.textContent).toBe('there');
    // Someone else's comment: no Edit/Delete for an editor; mine: both.
    expect(within(hostile).queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(within(items[1] as HTMLElement).getByRole('button', { name: 'Edit' })).toBeInTheDocument();

    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Add a comment'), 'Looks **good**');
    await user.click(screen.getByRole('button', { name: 'Comment' }));
    await waitFor(() => expect(screen.getAllByTestId('comment')).toHaveLength(3));
    expect(net.calls.find((c) => c.method === 'POST')?.body).toEqual({ body: 'Looks **good**' });
    expect(screen.getAllByTestId('comment')[2]?.querySelector('strong')?.textContent).toBe('good');
  });

  it('a viewer reads only: no form, no buttons', async () => {
    fakeFetch(({ url }) =>
      url === '/api/v1/auth/me'
        ? ok({ id: ME, name: 'Me', email: 'me@example.com' })
        : url.endsWith('/comments')
          ? ok([comment('1', ME, 'mine')])
          : problem(404, 'NOT_FOUND', 'Not found'),
    );
    renderWithApp(<CommentsPanel taskId={TASK} canWrite={false} isOwner={false} />);
    await screen.findByTestId('comment');
    expect(screen.queryByLabelText('Add a comment')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
