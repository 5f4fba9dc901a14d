import { type FormEvent, useState } from 'react';
import type { FieldError } from './api-error';
import { errorMessage, isApiError } from './api-error';
import './validation-messages'; // the contract's validation messages in the UI language

export type FieldErrors = Record<string, string>;

interface IssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}
interface SafeParseLike<T> {
  success: boolean;
  data?: T;
  error?: { issues: ReadonlyArray<IssueLike> };
}

/** First message per top-level field from a zod safeParse result (shared schemas validate the forms). */
export function issuesToFieldErrors(issues: ReadonlyArray<IssueLike>): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_form';
    out[key] ??= issue.message;
  }
  return out;
}

/** Validate with a shared zod schema: `{ data }` or `{ errors }`. */
export function validate<T>(
  schema: { safeParse: (v: unknown) => SafeParseLike<T> },
  value: unknown,
): { data: T; errors?: undefined } | { data?: undefined; errors: FieldErrors } {
  const r = schema.safeParse(value);
  if (r.success) return { data: r.data as T };
  return { errors: issuesToFieldErrors(r.error?.issues ?? []) };
}

/** Error codes whose answer belongs under one field of a form (e.g. INVALID_CREDENTIALS → its password field). */
export type CodeFields = Readonly<Record<string, string>>;

/** Field errors from a failed request: a 400 VALIDATION_FAILED's per-field errors, or a `codeFields` answer. */
export function serverFieldErrors(e: unknown, codeFields: CodeFields = {}): FieldErrors {
  if (!isApiError(e)) return {};
  const field = codeFields[e.code];
  if (field) return { [field]: e.message };
  const out: FieldErrors = {};
  for (const fe of e.errors as FieldError[]) {
    const key = fe.path.split('.')[0] || '_form';
    out[key] ??= fe.message;
  }
  return out;
}

/** The message above a form for a failed request, unless `codeFields` puts it under a field. */
export function formLevelError(e: unknown, codeFields: CodeFields = {}): string | null {
  if (!e) return null;
  if (isApiError(e) && codeFields[e.code]) return null;
  return errorMessage(e);
}

export interface SchemaFormSubmit {
  /** The submitted form element (e.g. to reset it once the server has accepted it). */
  form: HTMLFormElement;
  /** Show a failed request's per-field errors (a 400 VALIDATION_FAILED) under the fields. */
  showServerErrors: (err: unknown) => void;
}

/**
 * A form whose named fields are validated by a shared zod schema before `send` gets the parsed body: the schema's
 * messages show under their fields and nothing is sent until they pass; `send` usually calls a mutation and hands
 * its `onError` to `showServerErrors`.
 */
export function useSchemaForm<T>(
  schema: { safeParse: (v: unknown) => SafeParseLike<T> },
  fields: readonly string[],
  send: (data: T, submit: SchemaFormSubmit) => void,
  codeFields: CodeFields = {},
): {
  errors: FieldErrors;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  /** Put on the form: a field's error goes away as soon as its value passes (no new errors while typing). */
  onChange: (e: FormEvent<HTMLFormElement>) => void;
} {
  const [errors, setErrors] = useState<FieldErrors>({});
  const onChange = (e: FormEvent<HTMLFormElement>) => {
    const name = (e.target as { name?: unknown }).name;
    if (typeof name !== 'string' || errors[name] === undefined) return;
    const values = new FormData(e.currentTarget);
    const result = validate(schema, Object.fromEntries(fields.map((f) => [f, values.get(f)])));
    if (result.errors?.[name] !== undefined) return;
    setErrors(({ [name]: _cleared, ...rest }) => rest);
  };
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const values = new FormData(form);
    const result = validate(schema, Object.fromEntries(fields.map((f) => [f, values.get(f)])));
    if (result.errors) return setErrors(result.errors);
    setErrors({});
    send(result.data, { form, showServerErrors: (err) => setErrors(serverFieldErrors(err, codeFields)) });
  };
  return { errors, onSubmit, onChange };
}
