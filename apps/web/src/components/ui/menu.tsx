import * as RadixMenu from '@radix-ui/react-dropdown-menu';
import type { ReactNode } from 'react';
import { cn } from '../../lib/cn';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
  disabled?: boolean;
}

/**
 * A menu button (Radix dropdown menu): Enter/Space/ArrowDown open it, arrows move, Escape closes and focus goes
 * back to the button; the items are `menuitem`s. Used where a row of buttons would not fit (a phone's task row).
 */
export function Menu({
  label,
  items,
  trigger,
  className,
  align = 'end',
}: {
  /** The button's accessible name ("Actions for “Pay rent”"). */
  label: string;
  items: MenuItem[];
  /** What the button shows; a "⋯" by default. */
  trigger?: ReactNode;
  className?: string;
  align?: 'start' | 'end';
}) {
  return (
    <RadixMenu.Root modal={false}>
      <RadixMenu.Trigger
        aria-label={label}
        className={cn(
          'inline-flex min-h-9 min-w-9 items-center justify-center rounded-md text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 data-[state=open]:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800 dark:focus-visible:outline-indigo-400 dark:data-[state=open]:bg-slate-800',
          className,
        )}
      >
        {trigger ?? (
          <svg viewBox="0 0 16 16" aria-hidden="true" className="size-4">
            <circle cx="3" cy="8" r="1.5" fill="currentColor" />
            <circle cx="8" cy="8" r="1.5" fill="currentColor" />
            <circle cx="13" cy="8" r="1.5" fill="currentColor" />
          </svg>
        )}
      </RadixMenu.Trigger>
      <RadixMenu.Portal>
        <RadixMenu.Content
          align={align}
          sideOffset={4}
          className="z-50 min-w-40 rounded-md bg-white p-1 shadow-lg ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700"
        >
          {items.map((item) => (
            <RadixMenu.Item
              key={item.label}
              disabled={item.disabled}
              onSelect={item.onSelect}
              className={cn(
                'cursor-pointer rounded px-3 py-2 text-sm outline-none select-none data-[disabled]:cursor-default data-[disabled]:text-slate-400 data-[highlighted]:bg-slate-100 dark:data-[highlighted]:bg-slate-800 dark:data-[disabled]:text-slate-500',
                item.danger ? 'text-red-700 dark:text-red-300' : 'text-slate-800 dark:text-slate-100',
              )}
            >
              {item.label}
            </RadixMenu.Item>
          ))}
        </RadixMenu.Content>
      </RadixMenu.Portal>
    </RadixMenu.Root>
  );
}
