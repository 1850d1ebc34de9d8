/**
 * The shape of an API route: it gets the request and its path parameters, and returns a status and
 * a JSON body (or throws an ApiError).
 */
import type { IncomingMessage } from 'node:http';
import type { SandboxContext } from '../context.js';
import type { RequestKind } from '../types.js';

/** What a route answers; `body` undefined means an empty response. */
export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  /** Apply `?fields=` to each element of `body.data` instead of to the body. */
  readonly filterData?: boolean;
}

/** A route handler; `n` is the request's number within its kind since the faults were set. */
export type RouteHandler = (
  ctx: SandboxContext,
  req: IncomingMessage,
  url: URL,
  params: readonly string[],
  n: number,
) => Promise<RouteResult>;

/** A method + path pattern, the kind it is counted as, and its handler. */
export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly kind: RequestKind;
  readonly handler: RouteHandler;
}
