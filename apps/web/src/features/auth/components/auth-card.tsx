import type { ReactNode } from 'react';
import { LanguageSelect } from '../../../components/ui/language-select';

export function AuthCard({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <p className="mb-6 text-center text-sm font-semibold tracking-wide text-indigo-600 dark:text-indigo-300">
          Primetrade Tasks
        </p>
        <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
          <h1 className="mb-4 text-xl font-semibold">{title}</h1>
          {children}
        </div>
        {footer ? <div className="mt-4 text-center text-sm text-slate-600 dark:text-slate-300">{footer}</div> : null}
        <div className="mt-6 flex justify-center">
          <LanguageSelect />
        </div>
      </div>
    </main>
  );
}
