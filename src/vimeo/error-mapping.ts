/**
 * Turns an error answer of the API host into the matching class of src/errors.ts, keeping Vimeo's
 * `error_code`, `developer_message` and `invalid_parameters`. Messages are redacted of the token.
 */

import { retryAfterDelayMs, serverDelayMs } from '../core/server-delay.js';
import {
  type InvalidParameter,
  NetworkError,
  type RequestSummary,
  redact,
  summarizeRequest,
  VimeoApiError,
  type VimeoErrorDetails,
  type VimeoTusError,
} from '../errors.js';
import type { HeaderReader } from './api-request.js';

/** Vimeo error codes that mean "quota used up" (storage, periodic, total cap, video counts). */
export const QUOTA_ERROR_CODES: ReadonlySet<number> = new Set([3428, 4101, 4102, 4103, 4104]);

/** Connection errors that prove the request never left this machine. */
const NOTHING_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** What the mapper needs to know about one failed exchange. */
export interface ErrorAnswer {
  readonly method: string;
  readonly url: string;
  /** The API path (no query), shown in messages: `/me/videos`. Never an upload link. */
  readonly path: string;
  readonly status: number;
  readonly headers: HeaderReader;
  readonly bodyText: string;
  /** Secrets to scrub from any text the server echoed. */
  readonly secrets: ReadonlyArray<string | undefined>;
  readonly now?: number;
}

/** Vimeo's error body, read leniently (the legacy `{"error": "..."}` alone too). */
export interface ParsedErrorBody extends VimeoErrorDetails {
  readonly error?: string;
}

/** Reads Vimeo's JSON error body; a non-JSON body becomes `error` (trimmed, short). */
export function parseErrorBody(bodyText: string): ParsedErrorBody {
  const text = bodyText.trim();
  if (text === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: text.slice(0, 200) };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return {};
  const body = json as Record<string, unknown>;
  const out: { -readonly [K in keyof ParsedErrorBody]: ParsedErrorBody[K] } = {};
  if (typeof body.error === 'string') out.error = body.error;
  if (typeof body.developer_message === 'string') out.developerMessage = body.developer_message;
  const code = toInt(body.error_code);
  if (code !== undefined) out.vimeoErrorCode = code;
  if (Array.isArray(body.invalid_parameters)) {
    out.invalidParameters = body.invalid_parameters.flatMap(parseInvalidParameter);
  }
  return out;
}

function parseInvalidParameter(value: unknown): InvalidParameter[] {
  if (value === null || typeof value !== 'object') return [];
  const p = value as Record<string, unknown>;
  const field = typeof p.field === 'string' ? p.field : '';
  const param: { -readonly [K in keyof InvalidParameter]: InvalidParameter[K] } = { field };
  if (typeof p.error === 'string') param.error = p.error;
  const code = toInt(p.error_code);
  if (code !== undefined) param.errorCode = code;
  if (typeof p.developer_message === 'string') param.developerMessage = p.developer_message;
  return [param];
}

function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** Maps an HTTP error answer of the API host to a typed, redacted error. */
export function mapErrorAnswer(answer: ErrorAnswer): VimeoTusError {
  const body = parseErrorBody(answer.bodyText);
  const request: RequestSummary = summarizeRequest(answer.method, answer.url, answer.status);
  const details: VimeoErrorDetails = {
    ...(body.vimeoErrorCode !== undefined ? { vimeoErrorCode: body.vimeoErrorCode } : {}),
    ...(body.developerMessage !== undefined
      ? { developerMessage: redact(body.developerMessage, answer.secrets) }
      : {}),
    ...(body.invalidParameters !== undefined ? { invalidParameters: body.invalidParameters } : {}),
  };
  const said = describe(body);
  const where = `${answer.method} ${answer.path} answered HTTP ${answer.status}`;
  const msg = (text: string): string => redact(text, answer.secrets);
  const { status } = answer;

  if (status === 401) {
    return new VimeoApiError(
      msg(
        `Vimeo rejected the token: ${where}${said}. Create a personal access token with the \`upload\` scope ` +
          '(and `edit` to replace videos) at https://developer.vimeo.com/apps and pass it as the token.',
      ),
      { code: 'E_AUTH', request, ...details },
    );
  }
  const missingScope = status === 403 ? missingScopeIn(body) : undefined;
  if (missingScope !== undefined) {
    return new VimeoApiError(
      msg(
        `Vimeo refused the token: ${where}${said}. The token lacks the \`${missingScope}\` scope. ` +
          `Generate a new personal access token with the \`${missingScope}\` scope ` +
          '(vimeo-tus needs `upload`, plus `edit` to replace videos and `delete` to clean up) at ' +
          'https://developer.vimeo.com/apps, then pass it as VIMEO_TOKEN or with --token-file.',
      ),
      { code: 'E_AUTH', request, ...details },
    );
  }
  if (status === 403 && body.vimeoErrorCode !== undefined && QUOTA_ERROR_CODES.has(body.vimeoErrorCode)) {
    return new VimeoApiError(msg(`Vimeo upload quota used up: ${where}${said}`), {
      code: 'E_QUOTA',
      request,
      ...details,
    });
  }
  if (status === 429) {
    const retryAfterMs = serverDelayMs(answer.headers, answer.now);
    return new VimeoApiError(msg(`Vimeo rate limit reached: ${where}${said}`), {
      code: 'E_RATE_LIMITED',
      request,
      ...details,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (status >= 500) {
    // Only Retry-After here: X-RateLimit-Reset is on every answer and says nothing about a 5xx.
    const retryAfterMs = retryAfterDelayMs(answer.headers, answer.now);
    return new VimeoApiError(msg(`Vimeo server error: ${where}${said}`), {
      request,
      ...details,
      retryable: true,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  return new VimeoApiError(msg(`Vimeo API error: ${where}${said}`), { request, ...details });
}

/**
 * The scope a 403 says the token lacks: Vimeo words it 'Your access token does not have the
 * "upload" scope' (in `error` or `developer_message`).
 */
function missingScopeIn(body: ParsedErrorBody): string | undefined {
  for (const text of [body.error, body.developerMessage]) {
    const match = text === undefined ? null : /does not have the "([a-z_]+)" scope/i.exec(text);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

function describe(body: ParsedErrorBody): string {
  const parts: string[] = [];
  if (body.vimeoErrorCode !== undefined) parts.push(`error_code ${body.vimeoErrorCode}`);
  if (body.error) parts.push(body.error);
  if (body.developerMessage && body.developerMessage !== body.error) parts.push(body.developerMessage);
  if (body.invalidParameters && body.invalidParameters.length > 0) {
    parts.push(`invalid: ${body.invalidParameters.map((p) => p.field).join(', ')}`);
  }
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** A failure before any answer: connection refused/reset, DNS, timeout. Always retryable. */
export function mapNetworkFailure(
  method: string,
  url: string,
  path: string,
  error: unknown,
  secrets: ReadonlyArray<string | undefined>,
): NetworkError & { readonly nothingSent: boolean } {
  const code = errorCode(error);
  const nothingSent = code !== undefined && NOTHING_SENT_CODES.has(code);
  const reason = code ?? (error instanceof Error ? error.message : 'unknown error');
  // The API's address is named (a closed port or a wrong VIMEO_API_URL shows which one was tried).
  const target = `${originOf(url)}${path}`;
  const err = new NetworkError(redact(`${method} ${target} failed before an answer: ${reason}`, secrets), {
    cause: error,
    request: summarizeRequest(method, url),
  });
  return Object.assign(err, { nothingSent });
}

/** `https://api.vimeo.com` of a request URL (never its query). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/**
 * The system error code of a failed exchange: on the socket error itself (node:http), or nested in
 * `cause`/`errors` (fetch's `TypeError: fetch failed`, AggregateError of a multi-address connect).
 */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      current = errors[0];
      continue;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
