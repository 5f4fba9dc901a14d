import type { CalendarFeed } from '@primetrade/shared';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** POST /calendar/feed: a new secret feed URL (the previous one stops working). */
export async function rotateCalendarFeed(): Promise<CalendarFeed> {
  return (await api<CalendarFeed>('/calendar/feed', { method: 'POST' })).data;
}

/** DELETE /calendar/feed: the feed URL stops working. */
export async function turnOffCalendarFeed(): Promise<void> {
  await api<void>('/calendar/feed', { method: 'DELETE' });
}

export const useRotateCalendarFeed = () => useMutation({ mutationFn: rotateCalendarFeed });
export const useTurnOffCalendarFeed = () => useMutation({ mutationFn: turnOffCalendarFeed });
