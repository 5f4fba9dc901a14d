/**
 * fast-check arbitraries made from the server's own OpenAPI document (GET /api/v1/openapi.json): valid values
 * from each JSON Schema, boundary values, and hostile ones (wrong types, huge and unicode strings, deep nesting,
 * `__proto__` / `constructor` keys). Used by the fuzz and access-control suites; not a test file itself.
 */
import fc from 'fast-check';

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
};

export interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  method: string;
  /** The OpenAPI path, e.g. /api/v1/tasks/{id}. */
  path: string;
  parameters: OpenApiParameter[];
  /** content type → schema */
  body: Record<string, JsonSchema> | undefined;
  bodyRequired: boolean;
  secured: boolean;
}

interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: OpenApiParameter[];
        requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
        security?: unknown[];
      }
    >
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/** Every operation of the document, with $refs to components resolved. */
export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  const resolve = (s: JsonSchema | undefined): JsonSchema | undefined => resolveRefs(s, doc.components?.schemas ?? {});
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const content = op.requestBody?.content;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(p.schema) })),
        body: content
          ? Object.fromEntries(Object.entries(content).map(([ct, c]) => [ct, resolve(c.schema) ?? {}]))
          : undefined,
        bodyRequired: Boolean(op.requestBody?.required),
        secured: Array.isArray(op.security) && op.security.length > 0,
      });
    }
  }
  return ops;
}

function resolveRefs(
  s: JsonSchema | undefined,
  components: Record<string, JsonSchema>,
  depth = 0,
): JsonSchema | undefined {
  if (!s || depth > 20) return s;
  if (s.$ref) {
    const name = s.$ref.split('/').pop() ?? '';
    return resolveRefs(components[name], components, depth + 1);
  }
  const out: JsonSchema = { ...s };
  if (s.items) out.items = resolveRefs(s.items, components, depth + 1);
  if (s.properties) {
    out.properties = Object.fromEntries(
      Object.entries(s.properties).map(([k, v]) => [k, resolveRefs(v, components, depth + 1) ?? {}]),
    );
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = s[key];
    if (list) out[key] = list.map((x) => resolveRefs(x, components, depth + 1) ?? {});
  }
  return out;
}

/** Real calendar date-times in a wide range, with Z or an offset. */
export const isoDateTimeArb = fc
  .tuple(
    fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.constantFrom('Z', '+00:00', '+05:30', '-08:00'),
  )
  .map(([d, off]) =>
    d
      .toISOString()
      .replace('Z', off === 'Z' ? 'Z' : off)
      .replace(/\.\d{3}(?=[+-])/, ''),
  );

/** Strings that have broken parsers, loggers and SQL builders elsewhere. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\r\nX-Injected: 1',
  "' OR '1'='1",
  "'; drop table tasks; --",
  '%',
  '_',
  '\\',
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '\u0024{jndi:ldap://x}',
  '\uFEFF',
  '\uD800',
  '\uDFFF',
  '𝕿𝖊𝖘𝖙',
  '👩‍👩‍👧‍👦',
  'e\u0301',
  '\u202E',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '9'.repeat(400),
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  '2030-02-31T10:00:00Z',
  '0000-00-00T00:00:00Z',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'a'.repeat(10_000),
];

/** One lone surrogate: a high (U+D800-DBFF) or a low (U+DC00-DFFF) half without its partner. */
export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Ill-formed UTF-16: a lone surrogate inside ordinary text (JSON.stringify sends it as a `\udXXX` escape). */
export const illFormedString = fc
  .tuple(fc.string({ unit: 'grapheme', maxLength: 12 }), loneSurrogate, fc.string({ maxLength: 12 }))
  .map(([before, lone, after]) => `${before}${lone}${after}`);

/** `s` with a lone surrogate put in at a random place (or a pair reversed / split), so it is no longer well-formed. */
export const withLoneSurrogate = (s: fc.Arbitrary<string>) =>
  fc
    .tuple(s, fc.nat(), loneSurrogate)
    .map(([v, at, lone]) => {
      const i = at % (v.length + 1);
      return `${v.slice(0, i)}${lone}${v.slice(i)}`;
    })
    .filter((v) => /\p{Cs}/u.test(v));

export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: illFormedString },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 200, maxLength: 6000 }) },
);

/** Objects whose keys try to reach Object.prototype through naive merges. */
export const pollutingObject = fc.constantFrom<unknown>(
  JSON.parse('{"__proto__":{"polluted":"yes"}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}'),
  JSON.parse('{"__proto__":{"isAdmin":true,"role":"admin"}}'),
  JSON.parse('{"prototype":{"polluted":"yes"}}'),
  JSON.parse('{"a":{"__proto__":{"polluted":"yes"}}}'),
);

/** Any JSON value, hostile ones included. */
export const nastyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: nastyString },
  { weight: 1, arbitrary: pollutingObject },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -0,
      -1,
      1.5,
      Number.MAX_SAFE_INTEGER + 2,
      1e308,
      -1e308,
      [],
      {},
      [null],
      Array.from({ length: 600 }, () => 'x'),
    ),
  },
);

const cap = (n: number | undefined, dflt: number, max: number) => Math.min(n ?? dflt, max);

/** A value valid for the schema (boundary lengths included), as far as the schema can tell. */
export function validValue(s: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((a) => validValue(a, depth + 1)));
  if (s.allOf?.length) return validValue(s.allOf[0], depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: Math.ceil(s.minimum ?? -1_000_000), max: Math.floor(s.maximum ?? 1_000_000) });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'string':
      return validString(s);
    case 'array': {
      const min = s.minItems ?? 0;
      const max = Math.max(min, cap(s.maxItems, 5, 12));
      return fc.array(validValue(s.items, depth + 1), { minLength: min, maxLength: max });
    }
    case 'object':
    case undefined: {
      if (!s.properties) return type === 'object' ? fc.constant({}) : fc.jsonValue({ maxDepth: 2 });
      const required = new Set(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(s.properties)) record[k] = validValue(v, depth + 1);
      return fc.record(record, { requiredKeys: [...required].filter((k) => k in record) });
    }
    default:
      return fc.constant(null);
  }
}

function validString(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === 'uuid') return fc.uuid({ version: 4 });
  if (s.format === 'date-time') return isoDateTimeArb;
  if (s.format === 'email') return fc.emailAddress().filter((e) => e.length <= (s.maxLength ?? 254));
  if (s.pattern) {
    try {
      return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length <= (s.maxLength ?? 10_000));
    } catch {
      // fall through to a plain string
    }
  }
  const min = s.minLength ?? 0;
  const max = Math.max(min, cap(s.maxLength, 40, 6000));
  const boundary = [min, max].filter((n) => n >= 1).map((n) => 'x'.repeat(n));
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.string({ unit: 'grapheme', minLength: Math.max(min, 1), maxLength: Math.min(max, 40) }),
    },
    { weight: 1, arbitrary: boundary.length ? fc.constantFrom(...boundary) : fc.constant('') },
  );
}

/** A value that breaks the schema: one over the maximum, the wrong type, or plain hostile input. */
export function invalidValue(
  s: JsonSchema | undefined,
  options: { illFormedOnly?: boolean } = {},
): fc.Arbitrary<unknown> {
  // Lone surrogates on purpose: a valid value made ill-formed (a 500 in jsonb before issue 13), for strings and
  // for arrays of strings (tags).
  const illFormed: fc.Arbitrary<unknown>[] = [];
  if (s?.type === 'string' && !s.enum && !s.format) illFormed.push(withLoneSurrogate(validString(s)), illFormedString);
  if (s?.type === 'array' && s.items?.type === 'string') {
    const items = s.items;
    illFormed.push(
      fc
        .tuple(fc.array(validString(items), { maxLength: 3 }), withLoneSurrogate(validString(items)))
        .map(([ok, bad]) => [...ok, bad]),
    );
  }
  if (options.illFormedOnly && illFormed.length > 0) return fc.oneof(...illFormed);
  const specific: fc.Arbitrary<unknown>[] = [nastyJson, ...illFormed];
  if (s?.maxLength !== undefined) specific.push(fc.constant('y'.repeat(s.maxLength + 1)));
  if (s?.minLength) specific.push(fc.constant('y'.repeat(s.minLength - 1)));
  if (s?.maxItems !== undefined && s.maxItems <= 600) {
    specific.push(fc.constant(Array.from({ length: s.maxItems + 1 }, (_, i) => `item-${i}`)));
  }
  if (s?.enum) specific.push(fc.constantFrom('PENDING', 'unknown', ' pending', 'pending\u0000'));
  if (s?.format === 'date-time')
    specific.push(fc.constantFrom('2030-02-31T10:00:00Z', '2030-13-01T00:00:00Z', 'tomorrow'));
  if (s?.format === 'uuid') specific.push(fc.constantFrom('not-a-uuid', '1', "1' or '1'='1", '../x'));
  return fc.oneof(...specific);
}

/** A deeply nested JSON text (arrays or objects), without building the object in memory first. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/**
 * A valid object body with one text field made ill-formed (a lone surrogate in a string, or in one item of a
 * string array); undefined when the schema has no text field.
 */
export function illFormedBody(s: JsonSchema | undefined): fc.Arbitrary<unknown> | undefined {
  const text = Object.entries(s?.properties ?? {}).filter(
    ([, p]) => (p.type === 'string' && !p.enum && !p.format) || (p.type === 'array' && p.items?.type === 'string'),
  );
  if (text.length === 0) return undefined;
  return fc
    .tuple(validValue(s), fc.constantFrom(...text))
    .chain(([b, [k, p]]) =>
      invalidValue(p, { illFormedOnly: true }).map((v) => ({ ...(b as Record<string, unknown>), [k]: v })),
    );
}

/** Mutate a valid object body: extra keys, a bad field, a missing field, or an entirely different value. */
export function mutatedBody(s: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const props = s?.properties ? Object.keys(s.properties) : [];
  const base = validValue(s);
  const muts: fc.Arbitrary<unknown>[] = [
    fc
      .tuple(
        base,
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'userId', 'id', 'role', 'isAdmin', 'extra'),
        nastyJson,
      )
      .map(([b, k, v]) => {
        if (!b || typeof b !== 'object' || Array.isArray(b)) return b;
        const copy = JSON.parse(JSON.stringify(b));
        Object.defineProperty(copy, k, { value: v, enumerable: true, configurable: true, writable: true });
        return copy;
      }),
    nastyJson,
  ];
  if (props.length) {
    muts.push(
      fc
        .tuple(base, fc.constantFrom(...props))
        .chain(([b, k]) => invalidValue(s?.properties?.[k]).map((v) => ({ ...(b as object), [k]: v }))),
      fc.tuple(base, fc.constantFrom(...props)).map(([b, k]) => {
        const copy = { ...(b as Record<string, unknown>) };
        delete copy[k];
        return copy;
      }),
    );
  }
  return fc.oneof(...muts);
}
