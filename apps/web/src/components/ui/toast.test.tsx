// @vitest-environment happy-dom
import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../../test/network';
import { ToastProvider, useToast } from './toast';

let notify: ReturnType<typeof useToast> = () => {};
function Capture() {
  notify = useToast();
  return null;
}

describe('toasts', () => {
  it('never pile up: two at most, and a repeated message replaces its twin', () => {
    render(
      <ToastProvider>
        <Capture />
      </ToastProvider>,
    );
    act(() => {
      notify('Saved', 'success');
      notify('Saved', 'success');
    });
    expect(screen.getAllByTestId('toast')).toHaveLength(1);
    act(() => {
      notify('Deleted “a”', 'success');
      notify('Deleted “b”', 'success');
      notify('Deleted “c”', 'success');
    });
    expect(screen.getAllByTestId('toast').map((t) => t.textContent)).toEqual(['Deleted “b”✕', 'Deleted “c”✕']);
  });
});
