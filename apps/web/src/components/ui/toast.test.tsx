// @vitest-environment happy-dom
import { act, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import '../../test/network';
import { ToastProvider, useToast } from './toast';

let notify: ReturnType<typeof useToast> = () => 0;
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

  it('an action button runs once and closes its toast; a toast lasts durationMs', () => {
    vi.useFakeTimers();
    try {
      render(
        <ToastProvider>
          <Capture />
        </ToastProvider>,
      );
      const onAction = vi.fn();
      act(() => {
        notify('Deleted “a”', 'success', { action: { label: 'Undo', onAction }, durationMs: 8000 });
        notify('Saved', 'success');
      });
      act(() => vi.advanceTimersByTime(4000)); // the plain toast has gone, the one with Undo stays
      expect(screen.getAllByTestId('toast').map((t) => t.textContent)).toEqual(['Deleted “a”Undo✕']);
      act(() => screen.getByRole('button', { name: 'Undo' }).click());
      expect(onAction).toHaveBeenCalledTimes(1);
      expect(screen.queryAllByTestId('toast')).toHaveLength(0);
      act(() => {
        notify('Deleted “b”', 'success', { action: { label: 'Undo', onAction }, durationMs: 8000 });
      });
      act(() => vi.advanceTimersByTime(8000));
      expect(screen.queryAllByTestId('toast')).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
