/**
 * Helpers shared by the drift gates (openapi.ts, schema-drift.ts): a JSON value with its object keys sorted (so a
 * generated file does not change when only the order of registration does), and a readable list of where two JSON
 * values differ.
 */

/** `value` with every object's keys in sorted order, arrays kept in their order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 100 ? `${s.slice(0, 97)}...` : s;
};

/**
 * Where `expected` and `actual` differ, one line each (`<path>: only in <actualName>`, `... only in <expectedName>`,
 * or `<path>: <expected> → <actual>`), in path order.
 */
export function jsonDiff(
  expected: unknown,
  actual: unknown,
  names: { expected: string; actual: string } = { expected: 'expected', actual: 'actual' },
  path = '',
): string[] {
  if (Object.is(expected, actual)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const lines: string[] = [];
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const at = `${path}[${i}]`;
      if (i >= expected.length) lines.push(`${at}: only in ${names.actual} ${show(actual[i])}`);
      else if (i >= actual.length) lines.push(`${at}: only in ${names.expected} ${show(expected[i])}`);
      else lines.push(...jsonDiff(expected[i], actual[i], names, at));
    }
    return lines;
  }
  if (isObject(expected) && isObject(actual) && !Array.isArray(expected) && !Array.isArray(actual)) {
    const lines: string[] = [];
    for (const key of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
      const at = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (!(key in actual)) lines.push(`${at}: only in ${names.expected}`);
      else if (!(key in expected)) lines.push(`${at}: only in ${names.actual}`);
      else lines.push(...jsonDiff(expected[key], actual[key], names, at));
    }
    return lines;
  }
  return [`${path || '(root)'}: ${show(expected)} → ${show(actual)}`];
}
