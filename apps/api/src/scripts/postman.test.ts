// The Postman collection (docs/postman/) is generated from docs/openapi.json: the committed files must be what
// `npm run postman` writes (a route added or changed without regenerating is caught), every documented operation
// has its request (bar the event stream, said why), logout is the last request, and every id a request uses was
// captured by an earlier one. .ci/suites/newman.sh runs the collection against a real server.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COLLECTION_PATH,
  ENVIRONMENT_PATH,
  generatePostman,
  LEFT_OUT,
  OPENAPI_PATH,
} from '../../../../scripts/postman';

const openapi = readFileSync(OPENAPI_PATH, 'utf8');
type Item = {
  name: string;
  item?: Item[];
  request?: { method: string; url: { raw: string }; header: { value: string }[]; body?: { raw: string } };
  event?: { listen: string; script: { exec: string[] } }[];
};
const requestsOf = (items: Item[]): Item[] => items.flatMap((i) => (i.item ? requestsOf(i.item) : [i]));

describe('Postman collection (docs/postman)', () => {
  const generated = generatePostman(openapi);

  it('is what `npm run postman` writes from docs/openapi.json', () => {
    expect(readFileSync(COLLECTION_PATH, 'utf8'), 'stale: run npm run postman').toBe(generated.collection);
    expect(readFileSync(ENVIRONMENT_PATH, 'utf8'), 'stale: run npm run postman').toBe(generated.environment);
  });

  it('fails on a planted change: an operation added to the document, a summary changed', () => {
    const doc = JSON.parse(openapi) as { paths: Record<string, Record<string, { summary?: string }>> };
    const task = doc.paths['/api/v1/tasks/{id}']?.get;
    if (!task) throw new Error('no GET /api/v1/tasks/{id}');
    task.summary = 'A planted summary';
    expect(generatePostman(JSON.stringify(doc)).collection).not.toBe(generated.collection);
    doc.paths['/api/v1/planted'] = { get: { summary: 'planted' } };
    expect(() => generatePostman(JSON.stringify(doc))).toThrow(/get \/api\/v1\/planted/);
  });

  const collection = JSON.parse(generated.collection) as { item: Item[]; event: { script: { exec: string[] } }[] };
  const requests = requestsOf(collection.item);

  it('has a request for every documented operation but the ones left out (with the reason), logout last', () => {
    const doc = JSON.parse(openapi) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    const covered = new Set(
      requests.map((r) => r.event?.[0]?.script.exec[0]?.replace(/^\/\/ (\S+ \S+) .*$/, '$1') ?? ''),
    );
    expect(documented.filter((k) => !covered.has(k) && !(k in LEFT_OUT))).toEqual([]);
    expect(requests.at(-1)?.request?.url.raw).toBe('{{baseUrl}}/api/v1/auth/logout');
    expect(collection.event[0]?.script.exec.join('\n')).toMatch(/auth\/register[\s\S]*auth\/login/);
  });

  /** Variables a request uses before any earlier request's test script captured them. */
  function usedBeforeCaptured(list: Item[]): string[] {
    const environment = JSON.parse(generated.environment) as { values: { key: string }[] };
    const known = new Set([...environment.values.map((v) => v.key), 'accessToken', 'refreshToken']);
    const used: string[] = [];
    for (const r of list) {
      for (const [, name] of JSON.stringify(r.request).matchAll(/\{\{(\w+)\}\}/g)) {
        if (name && !known.has(name)) used.push(`${r.name}: {{${name}}}`);
      }
      for (const line of r.event?.[0]?.script.exec ?? []) {
        const set = /collectionVariables\.set\('(\w+)'/.exec(line)?.[1];
        if (set) known.add(set);
      }
    }
    return used;
  }

  it('uses only ids an earlier request captured (or the environment gives); fails when the order is reversed', () => {
    expect(usedBeforeCaptured(requests)).toEqual([]);
    expect(usedBeforeCaptured([...requests].reverse()).some((u) => u.endsWith('{{taskId}}'))).toBe(true);
  });
});
