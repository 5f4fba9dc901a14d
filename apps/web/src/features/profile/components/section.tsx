import type { ReactNode } from 'react';

export function Section({
  id,
  title,
  description,
  children,
}: {
  /** Stable across languages (the heading's id, for aria-labelledby and links); else derived from the title. */
  id?: string;
  title: string;
  description?: string;
  children: ReactNode;
}) {
  const headingId = id ?? title.toLowerCase().replace(/\W+/g, '-');
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-lg bg-white p-6 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700"
    >
      <h2 id={headingId} className="text-lg font-semibold">
        {title}
      </h2>
      {description ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{description}</p> : null}
      <div className="mt-4">{children}</div>
    </section>
  );
}
