/**
 * The server's own delay hints: `Retry-After` (RFC 9110: delay-seconds or an HTTP-date) and Vimeo's
 * `X-RateLimit-Reset` (seen both as ISO-8601 and as Unix seconds). Pure: no clock is read except
 * through the `now` arguments' defaults, so tests can pin time. The one parser of each header for
 * the whole library (REST client and upload host alike).
 */

/**
 * Parse a `Retry-After` value: delay-seconds (`"120"`) or an HTTP-date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`). Returns milliseconds from `now` (0 for a date in the past),
 * or `undefined` when the value is missing or unreadable.
 */
export function parseRetryAfter(
  value: string | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Below this, a numeric `X-RateLimit-Reset` cannot be a Unix time of this century (1e9 s is
 * September 2001): it is read as seconds from now, the other convention rate-limited APIs use.
 */
const UNIX_SECONDS_THRESHOLD = 1_000_000_000;

/**
 * Parse Vimeo's `X-RateLimit-Reset`, seen both as ISO-8601 (`2023-04-08T09:21:35+00:00`) and as
 * Unix seconds (`1680945695`); a number below 1e9 is read as seconds from now. Returns milliseconds
 * from `now` (0 when already past), or `undefined` when missing or unreadable.
 * @example parseRateLimitReset('2023-04-08T09:21:35+00:00') // ms until then
 */
export function parseRateLimitReset(
  value: string | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text);
    if (seconds < UNIX_SECONDS_THRESHOLD) return Math.round(seconds * 1000);
    return Math.max(0, Math.round(seconds * 1000 - now));
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Headers read through `get(name)`: fetch's `Headers`, or the REST client's HeaderReader. */
export interface HeaderGetter {
  get(name: string): string | null;
}

/** Response headers as Node (`IncomingHttpHeaders`, lower-case names) or a `get` reader exposes them. */
export type HeaderSource = Readonly<Record<string, string | string[] | undefined>> | HeaderGetter;

/** One header's value (the first of repeated ones), from either kind of {@link HeaderSource}. */
export function headerOf(headers: HeaderSource, name: string): string | undefined {
  // Duck-typed, not `instanceof Headers`: in Node 20 touching the global Headers loads undici.
  if (isHeaderGetter(headers)) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isHeaderGetter(headers: HeaderSource): headers is HeaderGetter {
  return typeof (headers as Partial<HeaderGetter>).get === 'function';
}

/**
 * The delay a rate-limited answer (429) asks for: `Retry-After` first, else `X-RateLimit-Reset`.
 * Repeated header values: the first counts. Use {@link retryAfterDelayMs} for 5xx answers, where a
 * rate-limit window says nothing about when the server recovers.
 */
export function serverDelayMs(headers: HeaderSource, now: number = Date.now()): number | undefined {
  return (
    parseRetryAfter(headerOf(headers, 'retry-after'), now) ??
    parseRateLimitReset(headerOf(headers, 'x-ratelimit-reset'), now)
  );
}

/** The delay `Retry-After` alone asks for (5xx, 503 maintenance); `undefined` when absent. */
export function retryAfterDelayMs(headers: HeaderSource, now: number = Date.now()): number | undefined {
  return parseRetryAfter(headerOf(headers, 'retry-after'), now);
}
