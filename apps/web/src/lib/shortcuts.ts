/**
 * The keyboard layer: one catalogue of every shortcut (the `?` help overlay lists it, the bindings are made from
 * it, so the two cannot drift), a hook that binds a part of it with tinykeys, and a tiny command bus so a
 * shortcut or the command palette (app/) can ask a feature page for an action ("new task") even before that page
 * has mounted.
 *
 * Shortcuts never fire while the user types (text inputs, textareas, selects, contenteditable) or while a dialog
 * is open; only the entries marked `always` (the palette) do. Escape is left to the dialogs themselves (Radix).
 */
import { useEffect, useRef } from 'react';
import { createKeybindingsHandler } from 'tinykeys';
import { translate } from './i18n';

/** The help overlay's sections (their titles are `shell:shortcutHelp.group.<id>`). */
export type ShortcutGroup = 'anywhere' | 'taskList';

export interface Shortcut {
  /** tinykeys bindings (`$mod` = Cmd on macOS, Ctrl elsewhere; a space separates the presses of a sequence). */
  bindings: readonly string[];
  /** How the help overlay shows the keys (each entry one key cap; `then` between the presses of a sequence). */
  keys: readonly string[];
  group: ShortcutGroup;
  /** Fires even while typing or with a dialog open. */
  always?: boolean;
}

const isMac = typeof navigator === 'object' && /Mac|iPhone|iPad/.test(navigator.platform);

/**
 * `?` and `#` are shifted on most layouts and tinykeys refuses a press with a modifier its binding does not
 * name, so each is bound with and without Shift (a layout with its own `#` key sends it unshifted).
 */
export const SHORTCUTS = {
  help: { bindings: ['?', 'Shift+?'], keys: ['?'], group: 'anywhere' },
  palette: {
    bindings: ['$mod+k'],
    keys: [isMac ? '⌘' : 'Ctrl', 'K'],
    group: 'anywhere',
    always: true,
  },
  newTask: { bindings: ['n'], keys: ['n'], group: 'anywhere' },
  search: { bindings: ['/', 'Shift+/'], keys: ['/'], group: 'anywhere' },
  goTasks: { bindings: ['g t'], keys: ['g', 'then', 't'], group: 'anywhere' },
  goDashboard: { bindings: ['g d'], keys: ['g', 'then', 'd'], group: 'anywhere' },
  next: { bindings: ['j'], keys: ['j'], group: 'taskList' },
  previous: { bindings: ['k'], keys: ['k'], group: 'taskList' },
  select: { bindings: ['x'], keys: ['x'], group: 'taskList' },
  edit: { bindings: ['e'], keys: ['e'], group: 'taskList' },
  complete: { bindings: ['c'], keys: ['c'], group: 'taskList' },
  remove: { bindings: ['#', 'Shift+#'], keys: ['#'], group: 'taskList' },
  undo: {
    bindings: ['z', '$mod+z'],
    keys: ['z'],
    group: 'taskList',
  },
} as const satisfies Record<string, Shortcut>;

export type ShortcutId = keyof typeof SHORTCUTS;

/** What a shortcut does, in the UI language (`shell:shortcuts.<id>`). */
export function shortcutDescription(id: ShortcutId): string {
  return translate('shell', `shortcuts.${id}`, { mod: isMac ? '⌘' : 'Ctrl' });
}
export type ShortcutHandlers = Partial<Record<ShortcutId, (event: KeyboardEvent) => void>>;

const TEXT_INPUT_TYPES = new Set([
  'text',
  'search',
  'email',
  'password',
  'url',
  'tel',
  'number',
  'date',
  'datetime-local',
  'month',
  'week',
  'time',
]);

/** Is the user typing into this element? (Checkboxes, radios and buttons are not typing: j/k work from them.) */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(target.type || 'text');
  return false;
}

/** A modal is open (Radix dialogs, the help overlay and the palette all render role=dialog/alertdialog). */
export function isDialogOpen(doc: Document = document): boolean {
  return doc.querySelector('[role="dialog"], [role="alertdialog"]') !== null;
}

/**
 * Binds the given shortcuts on window while mounted. Handlers are read from a ref, so passing a new object on
 * every render does not rebind. A handled press has its default prevented (so `/` is not typed into the search
 * box it focuses, and Ctrl-K does not reach the browser).
 */
export function useShortcuts(handlers: ShortcutHandlers, enabled = true): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  const ids = Object.keys(handlers).sort().join(',');
  useEffect(() => {
    if (!enabled) return;
    const map: Record<string, (e: KeyboardEvent) => void> = {};
    const guarded: Record<string, (e: KeyboardEvent) => void> = {};
    for (const id of ids.split(',').filter(Boolean) as ShortcutId[]) {
      const s: Shortcut = SHORTCUTS[id];
      const run = (e: KeyboardEvent) => {
        const h = ref.current[id];
        if (!h) return;
        e.preventDefault();
        h(e);
      };
      for (const b of s.bindings) (s.always ? map : guarded)[b] = run;
    }
    const always = createKeybindingsHandler(map);
    const normal = createKeybindingsHandler(guarded);
    const onKey = (e: Event) => {
      const ke = e as KeyboardEvent;
      if (ke.defaultPrevented || ke.isComposing) return;
      always(ke);
      // Checked per press, so a sequence (g … t) does not advance on letters typed into a field either.
      if (!isTypingTarget(ke.target) && !isDialogOpen()) normal(ke);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ids, enabled]);
}

// --- commands ---------------------------------------------------------------------------------------------------

export type Command =
  | { type: 'new-task' }
  | { type: 'focus-search' }
  | { type: 'export'; format: 'csv' | 'json' }
  | { type: 'open-task'; id: string };

type CommandListener = (c: Command) => void;
const commandListeners = new Set<CommandListener>();
let pending: Command | null = null;

/**
 * Asks the page that handles `c` to do it. When no page listens yet (the shortcut also navigates there and the
 * route is a lazy chunk) the command waits, and the first listener to subscribe receives it.
 */
export function dispatchCommand(c: Command): void {
  if (commandListeners.size === 0) {
    pending = c;
    return;
  }
  for (const l of commandListeners) l(c);
}

export function onCommand(listener: CommandListener): () => void {
  commandListeners.add(listener);
  if (pending) {
    const c = pending;
    pending = null;
    listener(c);
  }
  return () => {
    commandListeners.delete(listener);
  };
}

/** Subscribes a page to commands while mounted (the handler is read from a ref). */
export function useCommands(handler: CommandListener): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => onCommand((c) => ref.current(c)), []);
}

/** For tests: drop a command nobody received. */
export function resetCommandsForTests(): void {
  pending = null;
}
