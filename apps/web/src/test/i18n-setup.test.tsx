// @vitest-environment happy-dom
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useT } from '../lib/i18n';

function Probe() {
  const t = useT('common');
  return <button type="button">{t('cancel')}</button>;
}

describe('test set-up (i18n-setup.ts)', () => {
  it('renders English text, not keys, without any per-test initialisation', () => {
    render(<Probe />);
    // Without the setupFiles entry react-i18next has no instance and renders the key "cancel".
    expect(screen.getByRole('button').textContent).toBe('Cancel');
    expect(document.documentElement.lang).toBe('en');
  });
});
