/**
 * Responses are validated with nothing and serialised fast: each route's zod response schema is turned into
 * JSON Schema once (z.toJSONSchema) and compiled by fast-json-stringify, which also drops undeclared fields,
 * so a row can never leak a column the contract does not name.
 */
import fastJson from 'fast-json-stringify';
import { z } from 'zod';

function isZod(schema: unknown): schema is z.ZodType {
  return typeof schema === 'object' && schema !== null && '_zod' in schema;
}

function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'output',
    unrepresentable: 'any',
    reused: 'inline',
  }) as Record<string, unknown>;
}

export function serializerCompiler({ schema }: { schema: unknown }): (data: unknown) => string {
  if (!isZod(schema)) return (data) => JSON.stringify(data);
  const json = toJsonSchema(schema);
  // biome-ignore lint/suspicious/noExplicitAny: fast-json-stringify's schema type is narrower than JSON Schema 7
  return fastJson(json as any) as (data: unknown) => string;
}
