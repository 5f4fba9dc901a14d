import { Link } from '@tanstack/react-router';
import { useT } from '../../../lib/i18n';

/** What a signed-in non-administrator sees at /admin (the API refuses them with 403 anyway). */
export function NotAllowed() {
  const t = useT('admin');
  return (
    <section aria-labelledby="not-allowed" className="mx-auto max-w-md py-12 text-center">
      <h1 id="not-allowed" className="text-2xl font-semibold">
        {t('notAllowed.title')}
      </h1>
      <p className="mt-2 text-slate-600 dark:text-slate-300">{t('notAllowed.text')}</p>
      <Link
        to="/dashboard"
        className="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700"
      >
        {t('notAllowed.back')}
      </Link>
    </section>
  );
}
