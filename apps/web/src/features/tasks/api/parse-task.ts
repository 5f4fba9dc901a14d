import type { ParsedTask } from '@primetrade/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { useDebouncedValue } from '../../../lib/use-debounced-value';

/** A parse answer together with the text it read (its spans are offsets into that text). */
export interface ParsedText extends ParsedTask {
  text: string;
}

/** How long the quick-add box waits after the last keystroke before asking the server to read it. */
export const PARSE_DEBOUNCE_MS = 250;

export const parseTaskQueryOptions = (text: string) =>
  queryOptions({
    // Not under ['tasks']: a task change does not make a parse stale (the text is the whole input).
    queryKey: ['quick-add', 'parse', text] as const,
    queryFn: async ({ signal }): Promise<ParsedText> => {
      const res = await api<ParsedTask>('/tasks/parse', { method: 'POST', json: { text }, signal });
      return { text, ...res.data };
    },
    // "tomorrow" means another day after midnight: a parse is reused for a minute at most.
    staleTime: 60_000,
    retry: false,
  });

/** The server's reading of `text`, asked for once typing pauses; the previous reading stays while the next loads. */
export function useParsedTask(text: string) {
  const settled = useDebouncedValue(text.trim(), PARSE_DEBOUNCE_MS);
  return useQuery({
    ...parseTaskQueryOptions(settled),
    enabled: settled.length > 0,
    placeholderData: (previous) => previous,
  });
}
