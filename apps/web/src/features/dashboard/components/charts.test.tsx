// @vitest-environment happy-dom
import type { TaskStats } from '@primetrade/shared';
import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { setLanguage } from '../../../lib/i18n';
import Charts from './charts';

const stats: TaskStats = {
  total: 5000,
  byStatus: { pending: 1234, in_progress: 0, completed: 3766, cancelled: 0 },
  byPriority: { low: 1234, medium: 2000, high: 1766, urgent: 0 },
  overdue: 0,
  dueToday: 0,
  dueThisWeek: 0,
  completedLast7Days: 0,
  completionRate: 0.75,
  avgCompletionHours: null,
  daily: [
    { date: '2026-12-05', created: 1500, completed: 2 },
    { date: '2026-12-06', created: 7, completed: 2500 },
  ],
};

afterEach(() => setLanguage('en', { remember: false }));

describe('charts: dates, numbers and values in the UI language (Intl with currentLocale)', () => {
  it.each([
    { lang: 'en', day: 'Dec 6, 2026', count: '1,234', peak: 'peak 2,500 a day', pending: 'Pending' },
    { lang: 'de', day: '6. Dez. 2026', count: '1.234', peak: 'höchstens 2.500 am Tag', pending: 'Offen' },
  ] as const)('$lang: $day, $count, $pending', async ({ lang, day, count, peak, pending }) => {
    await setLanguage(lang, { remember: false });
    render(<Charts stats={stats} />);
    // The last day under the line chart and in its table.
    expect(screen.getAllByText(day).length).toBeGreaterThanOrEqual(2);
    // A count in the donut's legend, the bars and the hidden tables.
    expect(screen.getAllByText(count).length).toBeGreaterThanOrEqual(2);
    // A number interpolated into a translation goes through Intl too (lib/i18n.ts's formatter).
    expect(screen.getAllByText(peak, { exact: false }).length).toBeGreaterThanOrEqual(1);
    expect(screen.getAllByText(pending, { exact: false }).length).toBeGreaterThanOrEqual(1);
    // And no English form of the other language leaks through.
    const other = lang === 'en' ? '1.234' : '1,234';
    expect(screen.queryAllByText(other)).toHaveLength(0);
  });
});
