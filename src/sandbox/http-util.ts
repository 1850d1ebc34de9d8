/**
 * Small helpers for the API host: read a JSON body, send JSON or an empty response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, vimeoError } from './errors-body.js';

const MAX_BODY_BYTES = 1024 * 1024;

/** Read and parse a JSON request body; an empty body is `{}`. Malformed → ApiError 400/2205. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw malformed('The request body is too large.');
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformed('The request body is not well-formed JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw malformed('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function malformed(developerMessage: string): ApiError {
  return new ApiError(400, vimeoError(2205, 'Something was wrong with your request body.', developerMessage));
}

/** Send `body` as JSON with `status` and extra headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
  contentType = 'application/vnd.vimeo.video+json',
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Send an empty response. */
export function sendEmpty(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, headers);
  res.end();
}

/** A plain object field of `body`, or undefined. */
export function objectField(body: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = body[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
