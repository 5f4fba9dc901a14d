// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeFetch, ok } from '../test/network';
import { MailDeliveryNote } from './mail-delivery-note';

function renderNote() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={qc}>
      <p>A reset link is on its way.</p>
      <MailDeliveryNote />
    </QueryClientProvider>,
  );
}

describe('MailDeliveryNote', () => {
  it('says where mail goes when the server has no mail service', async () => {
    const { calls } = fakeFetch(() => ok({ mail: { delivery: 'outbox' } }));
    renderNote();
    expect((await screen.findByTestId('mail-delivery-note')).textContent).toMatch(
      /not sent but saved as files.*outbox/,
    );
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/v1/server-info']);
  });

  it('says nothing when mail is sent', async () => {
    const { calls } = fakeFetch(() => ok({ mail: { delivery: 'smtp' } }));
    renderNote();
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toHaveLength(1);
    expect(screen.queryByTestId('mail-delivery-note')).toBeNull();
  });
});
