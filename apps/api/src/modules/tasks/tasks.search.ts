/**
 * What a list asks for (filters, sort) and the search strategy, decided here and nowhere else:
 * - `q` matches by its words (every word as a prefix, full text) when it has any; a search whose words match
 *   nothing is retried within a typo (trigram word similarity to the title), and later pages stay in that mode;
 * - a search without `sort` is ranked, and a ranked search ranks only the most recent matches (rankedSearchLimits);
 * - a ranked search's total counts at most those candidates.
 * The list repository builds the SQL of the mode chosen here.
 */
import type { TaskPriority, TaskStatus } from '@primetrade/shared';

export interface TaskFilters {
  status?: TaskStatus[] | undefined;
  priority?: TaskPriority[] | undefined;
  tag?: string | undefined;
  q?: string | undefined;
  dueBefore?: string | undefined;
  dueAfter?: string | undefined;
  overdue?: boolean | undefined;
  /** The projects the query covers (resolved by the project policy; required by every list query). */
  projectIds?: string[] | undefined;
  /** One project (`?projectId`); the scope is then that project alone. */
  projectId?: string | undefined;
  /** Tasks assigned to this user (`me` already replaced by the caller's id). */
  assigneeId?: string | undefined;
  /** A parent's subtasks, or `none`: top-level tasks only. */
  parentId?: string | undefined;
  /** `today` or `upcoming`: computed in the user's time zone (GET /tasks only). */
  view?: 'today' | 'upcoming' | undefined;
  /** Set to 'typo' once a search fell back to typo matching. */
  searchMode?: 'words' | 'typo' | undefined;
  /** A words search with a word PostgreSQL's statistics call uncommon (rareWords): its matches are few. */
  rareWords?: boolean | undefined;
}

type SortField = 'createdAt' | 'updatedAt' | 'dueDate' | 'priority' | 'title' | 'position' | 'rank';
export interface SortSpec {
  field: SortField;
  desc: boolean;
}

/** How a list's `q` matches: not at all (no q), by its words, or within a typo. */
export type SearchMode = 'none' | 'words' | 'typo';

/** Words of a search: letters and digits only, so the tsquery built from them has no operators. */
export function searchWords(q: string): string[] {
  return (q.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16).map((w) => w.slice(0, 64));
}

/** `'word1':* & 'word2':*` — every word as a prefix; the words carry no quote or operator (see searchWords). */
export function prefixTsquery(words: string[]): string {
  return words.map((w) => `'${w}':*`).join(' & ');
}

/**
 * What a typo search (the fallback) compares: `text` is q without its numbers, matched to the title within a typo;
 * `numbers` must each be a word of the task exactly as typed (`exactTsquery`). A number has no typo: "invoice 2024"
 * is not "invoice 2025". Trigram similarity also compares sets, so with the numbers in it "report 12 12" scored
 * higher than "report 12 34" — a match that depended on whether two numbers were equal, which sqlmap read as a
 * boolean oracle (`AND 12=12` against `AND 12=34`).
 */
export function typoSearch(q: string): { text: string; numbers: string[] } {
  const numbers = [...new Set(searchWords(q).filter((w) => /^\p{N}+$/u.test(w)))];
  const text = numbers.length ? q.replace(/(?<![\p{L}\p{N}])\p{N}+(?![\p{L}\p{N}])/gu, ' ') : q;
  return { text, numbers };
}

/** `'12' & '2024'` — every number as a whole word (see typoSearch); digits only, so no quote or operator. */
export function exactTsquery(numbers: string[]): string {
  return numbers.map((n) => `'${n}'`).join(' & ');
}

/** The words first; typo matching when the search has no word (only punctuation) or fell back to it. */
export function searchModeOf(f: Pick<TaskFilters, 'q' | 'searchMode'>): SearchMode {
  if (!f.q) return 'none';
  return searchWords(f.q).length && f.searchMode !== 'typo' ? 'words' : 'typo';
}

/**
 * A ranked search ranks the `candidates` most recent matches (all of them in most accounts): a common word in a
 * 100,000-task account matches ~10,000 rows, and fetching and ranking them all took 1.2 s (bench P4); `sort=`
 * with `q=` walks every match. `window`: how many of the newest tasks are looked through first. A typo match
 * costs a trigram similarity per row looked at, so that mode looks at fewer.
 */
export function rankedSearchLimits(mode: 'words' | 'typo'): { candidates: number; window: number } {
  return mode === 'words' ? { candidates: 200, window: 3000 } : { candidates: 50, window: 1000 };
}

/** How many tasks a list walks, given how many match: every match, or for a ranked search at most its candidates. */
export function walkedTotal(matches: number, filters: TaskFilters, sort: SortSpec): number {
  const mode = searchModeOf(filters);
  return sort.field === 'rank' && mode !== 'none' ? Math.min(matches, rankedSearchLimits(mode).candidates) : matches;
}

/** The same filters, matching `q` within a typo (the fallback, and the later pages of a search that fell back). */
export const typoMode = (filters: TaskFilters): TaskFilters => ({ ...filters, searchMode: 'typo' });

/**
 * True when some word of a words search is the prefix of none of the most common lexemes of tasks.search
 * (`common`, from pg_stats; null before the first ANALYZE: not known, false). The words are ANDed, so such a search
 * matches at most as many tasks as its rarest word, which is below the statistics' common-element cutoff: finding
 * its matches through the GIN index and ordering them costs less than looking through the newest tasks for them
 * (a typo's words attempt read the whole 3,000-task window to find nothing, P4). A word grown common since the
 * last ANALYZE only takes the slower of two exact paths until the next one.
 */
export function rareWords(q: string, common: readonly string[] | null): boolean {
  if (common === null) return false;
  return searchWords(q).some((word) => {
    const prefix = word.toLowerCase();
    return !common.some((lexeme) => lexeme.startsWith(prefix));
  });
}

/**
 * The most common lexemes, as `load` reads them, kept for `ttlMs` and refreshed in the background: a request
 * never waits for them (null until the first load has answered; a failed load keeps what was known).
 */
export class CommonLexemes {
  private value: readonly string[] | null = null;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly load: () => Promise<string[] | null>,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  /** What is known now; starts a refresh when it is older than the TTL. */
  current(): readonly string[] | null {
    if (performance.now() - this.loadedAt > this.ttlMs) void this.refresh();
    return this.value;
  }

  /** Load them now (once at a time). */
  refresh(): Promise<void> {
    this.loading ??= this.load()
      .then((value) => {
        this.value = value;
        this.loadedAt = performance.now();
      })
      .catch(() => {
        this.loadedAt = performance.now();
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}

/**
 * Read with the words first, and when they find nothing (`found` is false), once more within a typo. Returns
 * what was read and the filters that read it (a cursor remembers the typo mode for the next pages).
 */
export async function withTypoFallback<T>(
  filters: TaskFilters,
  read: (f: TaskFilters) => Promise<T>,
  found: (result: T) => boolean,
): Promise<{ result: T; filters: TaskFilters }> {
  const result = await read(filters);
  if (found(result) || searchModeOf(filters) !== 'words') return { result, filters };
  const typo = typoMode(filters);
  return { result: await read(typo), filters: typo };
}

/** The list's sort: `sort=` as given, else a search ranks and everything else is newest first. */
export function sortOf(query: { sort?: string | undefined; q?: string | undefined }): SortSpec {
  if (!query.sort) return query.q ? { field: 'rank', desc: true } : { field: 'createdAt', desc: true };
  const desc = query.sort.startsWith('-');
  return { field: (desc ? query.sort.slice(1) : query.sort) as SortSpec['field'], desc };
}

/** The filters of a list or export query, normalised (an empty q is none; due dates as UTC instants). */
export function filtersOf(query: TaskFilters, userId?: string): TaskFilters {
  return {
    status: query.status,
    priority: query.priority,
    tag: query.tag,
    q: query.q ? query.q : undefined,
    // As UTC instants: PostgreSQL refuses some offsets JavaScript accepts (beyond ±15:59).
    dueBefore: query.dueBefore ? new Date(query.dueBefore).toISOString() : undefined,
    dueAfter: query.dueAfter ? new Date(query.dueAfter).toISOString() : undefined,
    overdue: query.overdue,
    view: query.view,
    projectId: query.projectId,
    assigneeId: query.assigneeId === 'me' ? userId : query.assigneeId,
    parentId: query.parentId,
  };
}
