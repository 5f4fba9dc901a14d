// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { setLanguage } from '../lib/i18n';
import { NewPasswordField } from './new-password-field';

function type(value: string) {
  const input = screen.getByLabelText('New password') as HTMLInputElement;
  input.value = value;
  fireEvent.input(input);
}

afterEach(async () => {
  cleanup();
  await setLanguage('en', { remember: false });
});

describe('NewPasswordField: the server rule, shown while typing', () => {
  it('shows the hint until something is typed, then the meter (zxcvbn loaded on demand)', async () => {
    render(<NewPasswordField label="New password" name="newPassword" />);
    expect(screen.getByText(/hard to guess/)).toBeTruthy();
    type('aaaaaaaa');
    // Refused by the server too (password-policy.test.ts): the same words.
    expect(await screen.findByText('Very weak')).toBeTruthy();
    expect(screen.getByTestId('password-strength').textContent).toMatch(/Repeats like "aaa".*too easy to guess/);
    type('violet staple orbit lantern');
    expect(await screen.findByText('Very strong')).toBeTruthy();
    expect(screen.getByTestId('password-strength').textContent).toMatch(/good to go/);
    const input = screen.getByLabelText('New password');
    expect(input.getAttribute('aria-describedby')).toBe('newPassword-strength');
  });

  it("in German, says why in German (zxcvbn's English warning is left out)", async () => {
    await setLanguage('de', { remember: false });
    render(<NewPasswordField label="New password" name="newPassword" />);
    type('aaaaaaaa');
    expect(await screen.findByText('Sehr schwach')).toBeTruthy();
    const text = screen.getByTestId('password-strength').textContent ?? '';
    expect(text).toMatch(/zu leicht zu erraten/);
    expect(text).not.toMatch(/Repeats|too easy/);
  });

  it("counts the user's own email and name as guessable", async () => {
    render(
      <NewPasswordField label="New password" name="newPassword" email="hopper@example.test" userName="Grace Hopper" />,
    );
    type('gracehopper');
    expect(await screen.findByText(/Very weak|Weak/)).toBeTruthy();
  });

  it('shows a server error instead of the meter', () => {
    render(<NewPasswordField label="New password" name="newPassword" error="This password is too common" />);
    type('aaaaaaaa');
    expect(screen.getByRole('alert').textContent).toBe('This password is too common');
    expect(screen.queryByTestId('password-strength')).toBeNull();
  });
});
