// @vitest-environment happy-dom
import { registerBody } from '@primetrade/shared';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { FormError, TextField } from '../components/ui/field';
import { fakeFetch, ok, problem, signIn } from '../test/network';
import { api } from './api-client';
import { errorMessage } from './api-error';
import { useSchemaForm } from './form';

/** A form as the app writes them: the shared schema validates, the request goes through the api-client. */
function SignUpForm() {
  const [failure, setFailure] = useState<unknown>(null);
  const { errors, onSubmit, onChange } = useSchemaForm(
    registerBody,
    ['name', 'email', 'password'],
    (data, { showServerErrors }) =>
      api('/auth/register', { method: 'POST', json: data, noRefresh: true }).catch((e: unknown) => {
        setFailure(e);
        showServerErrors(e);
      }),
  );
  return (
    <form onSubmit={onSubmit} onChange={onChange} noValidate>
      <FormError message={failure ? errorMessage(failure) : null} />
      <TextField label="Name" name="name" error={errors.name} />
      <TextField label="Email" name="email" error={errors.email} />
      <TextField label="Password" name="password" type="password" error={errors.password} />
      <button type="submit">Create account</button>
    </form>
  );
}

/** The schema's own message for a field, so the test does not restate zod's wording. */
function schemaMessage(value: Record<string, string>, field: string): string {
  const r = registerBody.safeParse(value);
  const issue = r.error?.issues.find((i) => i.path[0] === field);
  if (!issue) throw new Error(`no issue for ${field}`);
  return issue.message;
}

async function fill(values: Record<'name' | 'email' | 'password', string>) {
  const user = userEvent.setup();
  for (const [label, value] of [
    ['Name', values.name],
    ['Email', values.email],
    ['Password', values.password],
  ] as const) {
    const input = screen.getByLabelText(label);
    await user.clear(input);
    if (value) await user.type(input, value);
  }
  await user.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('useSchemaForm', () => {
  beforeEach(signIn);

  it("shows the schema's message under each invalid field and sends nothing", async () => {
    const net = fakeFetch(() => ok(null, { status: 201 }));
    render(<SignUpForm />);

    const bad = { name: '', email: 'not-an-email', password: 'short' };
    await fill(bad);

    expect(screen.getByLabelText('Name')).toBeInvalid();
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription(schemaMessage(bad, 'name'));
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription(schemaMessage(bad, 'email'));
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Password must be at least 8 characters');
    expect(net.calls).toHaveLength(0);
  });

  it('sends the parsed data once every field passes, and clears the earlier errors', async () => {
    const net = fakeFetch(() => ok(null, { status: 201 }));
    render(<SignUpForm />);
    await fill({ name: '', email: 'nope', password: 'short' });
    expect(screen.getByLabelText('Email')).toBeInvalid();

    await fill({ name: '  Ada  ', email: 'Ada@Example.COM', password: 'correct horse' });

    await waitFor(() => expect(net.calls).toHaveLength(1));
    expect(net.calls[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/auth/register',
      body: { name: 'Ada', email: 'ada@example.com', password: 'correct horse' },
    });
    for (const label of ['Name', 'Email', 'Password']) expect(screen.getByLabelText(label)).toBeValid();
  });

  it('says it in words (not the validation library’s), and a field’s error goes away once its value passes', async () => {
    fakeFetch(() => ok(null, { status: 201 }));
    render(<SignUpForm />);
    await fill({ name: '', email: 'nope', password: 'correct horse' });
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Required');
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Enter a valid email address');

    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'A');
    expect(screen.getByLabelText('Name')).toBeValid();
    // Typing does not add errors, and the other stale error stays until its own value passes.
    await user.type(screen.getByLabelText('Email'), '@example');
    expect(screen.getByLabelText('Email')).toBeInvalid();
    await user.type(screen.getByLabelText('Email'), '.com');
    expect(screen.getByLabelText('Email')).toBeValid();
  });

  it("shows the server's per-field errors (400 VALIDATION_FAILED) under their fields", async () => {
    fakeFetch(() =>
      problem(400, 'VALIDATION_FAILED', 'Request validation failed', [
        { path: 'email', message: 'This address cannot receive mail' },
      ]),
    );
    render(<SignUpForm />);

    await fill({ name: 'Ada', email: 'ada@example.com', password: 'correct horse' });

    await waitFor(() =>
      expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('This address cannot receive mail'),
    );
    expect(screen.getByLabelText('Email')).toBeInvalid();
    expect(screen.getByLabelText('Name')).toBeValid();
    expect(screen.getByLabelText('Password')).toBeValid();
  });
});
