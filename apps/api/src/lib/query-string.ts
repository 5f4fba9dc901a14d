/**
 * The query string's %-escapes. The parser (fast-querystring) keeps a malformed escape as raw text (`?q=%zz` is
 * the search "%zz") and a non-UTF-8 one likewise (`%ED%A0%80`, a surrogate in CESU-8): the app refuses both with
 * a 400 instead of answering a question the client did not ask.
 */

/** True when the URL's query string has a `%` not followed by two hex digits, or escapes that are not UTF-8. */
export function hasMalformedQuery(url: string): boolean {
  const at = url.indexOf('?');
  if (at < 0) return false;
  const query = url.slice(at + 1);
  if (!query.includes('%')) return false;
  try {
    decodeURIComponent(query);
    return false;
  } catch {
    return true;
  }
}
