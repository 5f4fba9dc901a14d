/**
 * Reads a cookie the server made readable (only the CSRF cookie is; the tokens are HttpOnly). Over https the server
 * names it with the `__Host-` prefix (`__Host-csrf_token`), over plain http://localhost without: a name is looked up
 * under its `__Host-` form first, then as given.
 */
export function readCookie(name: string): string | undefined {
  return readExact(`__Host-${name}`) ?? readExact(name);
}

function readExact(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
