/**
 * Responses are validated with nothing and serialised fast: each route's zod response schema is turned into
 * JSON Schema (z.toJSONSchema) and compiled by fast-json-stringify, which also drops undeclared fields, so a row
 * can never leak a column the contract does not name.
 *
 * Each serialiser is compiled at its first response, not at start-up: ~100 route × status serialisers, most of
 * which a process may never send, cost ~10 MB of idle RSS and start-up time when compiled eagerly (bench P10,
 * docs/performance.md). `compileAll` compiles every one now — the test that proves each route's schema compiles,
 * so a schema that cannot is found by the suite, not by a first request.
 */
import type { FastifySerializerCompiler } from 'fastify';
import fastJson from 'fast-json-stringify';
import { z } from 'zod';

type Serialize = (data: unknown) => string;

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

/** One response schema's serialiser, compiled now. */
export function compileSerializer(schema: unknown): Serialize {
  if (!isZod(schema)) return (data) => JSON.stringify(data);
  // biome-ignore lint/suspicious/noExplicitAny: fast-json-stringify's schema type is narrower than JSON Schema 7
  return fastJson(toJsonSchema(schema) as any) as Serialize;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Compile every route's response serialisers now (they compile at first use); how many there are. */
    compileSerializers(): number;
  }
}

export interface LazySerializers {
  /** Fastify's serializer compiler: a serialiser that compiles itself at its first use. */
  compiler: FastifySerializerCompiler<unknown>;
  /** Compile every serialiser handed out so far; how many there are. */
  compileAll(): number;
}

export function lazySerializers(): LazySerializers {
  const compileNow: Array<() => Serialize> = [];
  return {
    compiler: ({ schema }) => {
      let compiled: Serialize | undefined;
      const compile = () => {
        compiled ??= compileSerializer(schema);
        return compiled;
      };
      compileNow.push(compile);
      return (data) => compile()(data);
    },
    compileAll: () => {
      for (const compile of compileNow) compile();
      return compileNow.length;
    },
  };
}
