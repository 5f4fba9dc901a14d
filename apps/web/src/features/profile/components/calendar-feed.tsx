import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError } from '../../../components/ui/field';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n';
import { useRotateCalendarFeed, useTurnOffCalendarFeed } from '../api/calendar-feed';

/**
 * Profile → Calendar feed (issue 17 item 5): get a secret iCal URL (shown once; getting another turns the previous
 * one off), copy it, or turn the feed off. The server never shows a URL again, so nothing is listed.
 */
export function CalendarFeed() {
  const t = useT('profile');
  const toast = useToast();
  const rotate = useRotateCalendarFeed();
  const turnOff = useTurnOffCalendarFeed();
  const [url, setUrl] = useState<string | null>(null);
  const eventUrl = url ? `${url}?type=event` : null;

  const copy = async (value: string) => {
    try {
      await navigator.clipboard.writeText(value);
      toast(t('calendarFeed.copied'), 'success');
    } catch {
      toast(t('calendarFeed.copyFailed'), 'error');
    }
  };
  const create = () => rotate.mutate(undefined, { onSuccess: (feed) => setUrl(feed.url) });
  const off = () =>
    turnOff.mutate(undefined, {
      onSuccess: () => {
        setUrl(null);
        toast(t('calendarFeed.turnedOff'), 'success');
      },
    });
  const error = rotate.error ?? turnOff.error;

  return (
    <section
      aria-labelledby="calendar-feed"
      className="rounded-lg bg-white p-6 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700"
    >
      <h2 id="calendar-feed" className="text-lg font-semibold">
        {t('calendarFeed.title')}
      </h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{t('calendarFeed.description')}</p>
      <div className="mt-4 space-y-4">
        {url && eventUrl ? (
          <div role="status" className="space-y-3 text-sm">
            <p>{t('calendarFeed.shownOnce')}</p>
            <FeedUrl label={t('calendarFeed.todoUrl')} value={url} onCopy={copy} copyLabel={t('calendarFeed.copy')} />
            <FeedUrl
              label={t('calendarFeed.eventUrl')}
              value={eventUrl}
              onCopy={copy}
              copyLabel={t('calendarFeed.copy')}
            />
          </div>
        ) : null}
        {error ? <FormError message={errorMessage(error)} /> : null}
        <div className="flex flex-wrap gap-2">
          <Button onClick={create} busy={rotate.isPending}>
            {url ? t('calendarFeed.rotate') : t('calendarFeed.create')}
          </Button>
          <Button variant="secondary" onClick={off} busy={turnOff.isPending}>
            {t('calendarFeed.turnOff')}
          </Button>
        </div>
      </div>
    </section>
  );
}

function FeedUrl({
  label,
  value,
  onCopy,
  copyLabel,
}: {
  label: string;
  value: string;
  onCopy: (value: string) => void;
  copyLabel: string;
}) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <input
        readOnly
        aria-label={label}
        value={value}
        onFocus={(e) => e.currentTarget.select()}
        className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs dark:border-slate-600 dark:bg-slate-900"
      />
      <Button size="sm" variant="secondary" onClick={() => onCopy(value)} aria-label={`${copyLabel}: ${label}`}>
        {copyLabel}
      </Button>
    </div>
  );
}
