// @vitest-environment happy-dom
import type { Webhook, WebhookDelivery } from '@primetrade/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FetchCall, fakeFetch, ok, problem, signIn } from '../../../test/network';
import { renderWithApp } from '../../../test/render';
import { WebhooksPage } from './webhooks-page';

const P = '00000000-0000-4000-9000-000000000001';
const H = '00000000-0000-4000-8000-0000000000b1';
const D = '00000000-0000-4000-8000-0000000000d1';
const SECRET = `whsec_${'s'.repeat(32)}`;
const BASE = `/api/v1/projects/${P}/webhooks`;

const project = (role: 'owner' | 'editor' = 'owner') => ({
  id: P,
  name: 'Launch',
  role,
  color: null,
  description: null,
  archived: false,
  inbox: false,
});

function aHook(over: Partial<Webhook> = {}): Webhook {
  return {
    id: H,
    projectId: P,
    url: 'https://hooks.example.com/in',
    events: ['task.created', 'task.updated'],
    active: true,
    createdAt: '2030-01-01T10:00:00.000Z',
    updatedAt: '2030-01-01T10:00:00.000Z',
    ...over,
  };
}

function aDelivery(over: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    id: D,
    webhookId: H,
    event: 'task.updated',
    status: 'failed',
    attempts: 3,
    responseStatus: 503,
    responseMs: 120,
    error: 'HTTP 503',
    responseBody: 'down',
    createdAt: '2030-01-02T10:00:00.000Z',
    lastAttemptAt: '2030-01-02T10:05:00.000Z',
    nextAttemptAt: null,
    deliveredAt: null,
    ...over,
  };
}

/** The API for one project: its list, and whatever `extra` answers first. */
function api(hooks: Webhook[], extra: (c: FetchCall) => Response | undefined = () => undefined) {
  return fakeFetch((c) => {
    const r = extra(c);
    if (r) return r;
    if (c.url === '/api/v1/projects' || c.url.startsWith('/api/v1/projects?')) return ok([project()]);
    if (c.method === 'GET' && c.url === BASE) return ok(hooks);
    return problem(404, 'NOT_FOUND', 'Not found');
  });
}

describe('Project → Webhooks', () => {
  beforeEach(signIn);

  it('adds a webhook and shows its secret once, with a copy button and a "you will not see it again" note', async () => {
    let hooks: Webhook[] = [];
    const net = api(hooks, (c) => {
      if (c.method === 'POST' && c.url === BASE) {
        hooks = [aHook({ events: ['task.created', 'task.updated', 'comment.created'] })];
        return ok({ ...hooks[0], secret: SECRET }, { status: 201 });
      }
      if (c.method === 'GET' && c.url === BASE) return ok(hooks);
      return undefined;
    });
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderWithApp(<WebhooksPage projectId={P} />);
    await screen.findByText('This project has no webhooks yet.');

    await userEvent.click(screen.getByRole('button', { name: 'Add webhook' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Payload URL'), 'https://hooks.example.com/in');
    await userEvent.click(within(dialog).getByRole('checkbox', { name: /comment\.created/ }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add webhook' }));

    const secret = await screen.findByLabelText('Signing secret');
    expect(secret).toHaveValue(SECRET);
    expect(screen.getByText(/you will not see it again/)).toBeInTheDocument();
    const posts = net.calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({
      url: 'https://hooks.example.com/in',
      events: ['task.created', 'task.updated', 'comment.created'],
    });
    await userEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith(SECRET);

    // The list shows the webhook without its secret; Done hides the secret for good.
    const list = await screen.findByRole('list', { name: 'Webhooks' });
    expect(list).toHaveTextContent('https://hooks.example.com/in');
    expect(list).toHaveTextContent('comment.created');
    await userEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByLabelText('Signing secret')).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it('a 400 on the url (a refused target) shows its message under the URL field', async () => {
    const refusal = 'refused: the host resolves to a private or reserved address (10.0.0.5)';
    const net = api([], (c) =>
      c.method === 'POST'
        ? problem(400, 'VALIDATION_FAILED', 'Validation failed', [{ path: 'url', message: refusal }])
        : undefined,
    );
    renderWithApp(<WebhooksPage projectId={P} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Add webhook' }));
    const dialog = await screen.findByRole('dialog');
    const url = within(dialog).getByLabelText('Payload URL');
    await userEvent.type(url, 'https://internal.example.com/hook');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add webhook' }));
    await waitFor(() => expect(url).toHaveAccessibleDescription(refusal));
    expect(url).toHaveAttribute('aria-invalid', 'true');
    // Under the field only: no second copy above the form, and the dialog stays open with what was typed.
    expect(within(dialog).getAllByText(refusal)).toHaveLength(1);
    expect(url).toHaveValue('https://internal.example.com/hook');
    expect(net.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('a URL the contract refuses is not sent (validated with the shared schema)', async () => {
    const net = api([]);
    renderWithApp(<WebhooksPage projectId={P} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Add webhook' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Payload URL'), 'ftp://user:pw@example.com');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add webhook' }));
    expect(within(dialog).getByLabelText('Payload URL')).toHaveAttribute('aria-invalid', 'true');
    expect(net.calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('the delivery log shows status, attempts, response code and time, error; Redeliver POSTs …/redeliver', async () => {
    let deliveries = [aDelivery()];
    const net = api([aHook()], (c) => {
      if (c.method === 'GET' && c.url.startsWith(`${BASE}/${H}/deliveries`)) return ok(deliveries);
      if (c.method === 'POST' && c.url === `${BASE}/${H}/deliveries/${D}/redeliver`) {
        const fresh = aDelivery({
          id: '00000000-0000-4000-8000-0000000000d2',
          status: 'pending',
          attempts: 0,
          responseStatus: null,
          responseMs: null,
          error: null,
          lastAttemptAt: null,
        });
        deliveries = [fresh, ...deliveries];
        return ok(fresh, { status: 202 });
      }
      return undefined;
    });
    renderWithApp(<WebhooksPage projectId={P} />);
    const open = await screen.findByRole('button', { name: 'Deliveries of https://hooks.example.com/in' });
    expect(open).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(open);
    const table = await screen.findByRole('table');
    const row = within(table).getAllByRole('row')[1] as HTMLElement;
    expect(row).toHaveTextContent('task.updated');
    expect(row).toHaveTextContent('Failed');
    expect(row).toHaveTextContent('503');
    expect(row).toHaveTextContent('120 ms');
    expect(row).toHaveTextContent('HTTP 503');
    expect(within(row).getByRole('cell', { name: '3' })).toBeInTheDocument();

    await userEvent.click(within(row).getByRole('button', { name: /^Redeliver task\.updated/ }));
    await waitFor(() =>
      expect(net.calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual([
        `${BASE}/${H}/deliveries/${D}/redeliver`,
      ]),
    );
    // The log is read again and shows the new (pending) delivery on top.
    await waitFor(() => expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(3));
    expect(within(screen.getByRole('table')).getAllByRole('row')[1]).toHaveTextContent('Pending');
    expect(await screen.findByText('Queued for redelivery')).toBeInTheDocument();
  });

  it('deletes only after confirmation; the Active switch PATCHes active', async () => {
    let hooks = [aHook()];
    const net = api(hooks, (c) => {
      if (c.method === 'DELETE') {
        hooks = [];
        return new Response(null, { status: 204 });
      }
      if (c.method === 'PATCH') {
        hooks = [aHook({ active: false })];
        return ok(hooks[0]);
      }
      if (c.method === 'GET' && c.url === BASE) return ok(hooks);
      return undefined;
    });
    renderWithApp(<WebhooksPage projectId={P} />);
    const sw = await screen.findByRole('switch', { name: 'Active: https://hooks.example.com/in' });
    expect(sw).toBeChecked();
    await userEvent.click(sw);
    await waitFor(() => expect(screen.getByRole('switch')).not.toBeChecked());
    expect(net.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ active: false });

    await userEvent.click(screen.getByRole('button', { name: 'Delete https://hooks.example.com/in' }));
    const dialog = await screen.findByRole('dialog');
    expect(net.calls.some((c) => c.method === 'DELETE')).toBe(false);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete webhook' }));
    await screen.findByText('This project has no webhooks yet.');
    expect(net.calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`${BASE}/${H}`]);
  });

  it('edit sends only the changed fields; a 409 (the per-project limit) shows above the form', async () => {
    let hooks = [aHook()];
    const net = api(hooks, (c) => {
      if (c.method === 'PATCH') {
        hooks = [aHook({ url: 'https://hooks.example.com/v2' })];
        return ok(hooks[0]);
      }
      if (c.method === 'POST') return problem(409, 'CONFLICT', 'A project has at most 20 webhooks');
      if (c.method === 'GET' && c.url === BASE) return ok(hooks);
      return undefined;
    });
    renderWithApp(<WebhooksPage projectId={P} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit https://hooks.example.com/in' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit webhook' });
    const url = within(dialog).getByLabelText('Payload URL');
    expect(url).toHaveValue('https://hooks.example.com/in');
    expect(within(dialog).getByRole('checkbox', { name: /task\.updated/ })).toBeChecked();
    await userEvent.clear(url);
    await userEvent.type(url, 'https://hooks.example.com/v2');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(net.calls.filter((c) => c.method === 'PATCH').map((c) => [c.url, c.body])).toEqual([
      [`${BASE}/${H}`, { url: 'https://hooks.example.com/v2' }],
    ]);
    expect(await screen.findByRole('list', { name: 'Webhooks' })).toHaveTextContent('https://hooks.example.com/v2');

    await userEvent.click(screen.getByRole('button', { name: 'Add webhook' }));
    const add = await screen.findByRole('dialog', { name: 'Add a webhook' });
    await userEvent.type(within(add).getByLabelText('Payload URL'), 'https://hooks.example.com/21st');
    await userEvent.click(within(add).getByRole('button', { name: 'Add webhook' }));
    expect(await within(add).findByText('A project has at most 20 webhooks')).toBeInTheDocument();
    expect(within(add).getByLabelText('Payload URL')).not.toHaveAttribute('aria-invalid');
  });

  it('a non-owner is told that only owners manage webhooks, and nothing is asked of the API', async () => {
    const net = fakeFetch((c) =>
      c.url.startsWith('/api/v1/projects') && !c.url.includes('/webhooks')
        ? ok([project('editor')])
        : problem(403, 'FORBIDDEN', 'no'),
    );
    renderWithApp(<WebhooksPage projectId={P} />);
    expect(await screen.findByText("Only the project's owners can manage its webhooks.")).toBeInTheDocument();
    expect(net.calls.some((c) => c.url.includes('/webhooks'))).toBe(false);
  });
});
