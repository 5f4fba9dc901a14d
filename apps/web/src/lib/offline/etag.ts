/**
 * The ETag of a task version, computed in the browser for a write queued offline (a list answer carries no
 * per-task ETag, and offline there is no GET to ask for one). The contract makes a task's ETag a function of its
 * id and version alone (api.md, "Precise rules"); the server derives it as the quoted first 27 characters of the
 * base64url SHA-256 of `<id>:<version>` (apps/api/src/modules/tasks/tasks.etag.ts). etag.test.ts pins the two
 * together with a value the server computed. Without WebCrypto (a page served over plain HTTP from another host
 * than localhost) there is no If-Match: the queued write then applies as "last write wins".
 */
export async function taskEtag(id: string, version: number): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(`${id}:${version}`)));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  const b64url = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `"${b64url.slice(0, 27)}"`;
}
