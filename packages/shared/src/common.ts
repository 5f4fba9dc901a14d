import { z } from 'zod';

export const uuid = z.uuid();

/**
 * True when a string is well-formed UTF-16: no lone surrogate (`"a\ud800"` in JSON). An ill-formed string cannot
 * be stored (PostgreSQL refuses it in jsonb; text would get U+FFFD), so every free-text input refuses it with a 400.
 */
export const isWellFormed = (s: string) => !/\p{Cs}/u.test(s);
export const ILL_FORMED_MESSAGE = 'Must be well-formed Unicode (no lone surrogate)';
/** A string input: z.string() that refuses ill-formed UTF-16. Every free-text field of the contract starts here. */
export const text = () => z.string().refine(isWellFormed, ILL_FORMED_MESSAGE);

/** True when an ISO date-time names a real calendar day (2030-02-31 is refused, not rolled over). */
export function isRealCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The longest ISO date-time accepted: nanoseconds and an offset take 35 characters; more is not a date. */
export const ISO_DATE_TIME_MAX = 64;

/** ISO 8601 date-time with an offset (Z or ±hh:mm), checked against the calendar. */
export const isoDateTime = z.iso
  .datetime({ offset: true })
  .max(ISO_DATE_TIME_MAX)
  .refine(isRealCalendarDate, { message: 'Not a real calendar date' });

/** True for an IANA time-zone name the runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const timezone = z
  .string()
  .refine(isValidTimeZone, { message: 'Unknown IANA time zone' })
  .describe('IANA time-zone name, e.g. Europe/Paris');

export const problemSchema = z
  .object({
    success: z.literal(false),
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    message: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;

/** `{ success: true, data }` */
export function envelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data });
}

/** `{ success: true, data, meta }` */
export function envelopeWithMeta<T extends z.ZodType, M extends z.ZodType>(data: T, meta: M) {
  return z.object({ success: z.literal(true), data, meta });
}

export const pageMetaSchema = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  totalPages: z.number().int(),
});
export type PageMeta = z.infer<typeof pageMetaSchema>;

/** Query-string integers arrive as text; accept only plain decimal digits. */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'Must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const idParams = z.strictObject({ id: uuid });
