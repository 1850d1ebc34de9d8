/**
 * Parsers for the sandbox command's flags: integers and the compact fault syntaxes
 * (`--fail patch:2:503`, `--reset-patch 2:102400`, `--stall-patch 1:5000`).
 */
import { InvalidArgumentError } from 'commander';
import { checkScopes } from './scopes.js';
import type {
  ForeignLinkFault,
  LyingHeadFault,
  RequestKind,
  ResetFault,
  StallFault,
  StatusFault,
  VimeoScope,
} from './types.js';

const KINDS: readonly RequestKind[] = [
  'create',
  'version',
  'get-video',
  'edit-video',
  'delete-video',
  'list-videos',
  'me',
  'head',
  'patch',
  'options',
  'upload-other',
];

/** A non-negative integer flag value. */
export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a non-negative integer');
  }
  return n;
}

/** A positive integer flag value. */
export function parsePositiveInt(value: string): number {
  const n = parseNonNegativeInt(value);
  if (n === 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** A TCP port: 0 (a free one) to 65535. */
export function parsePort(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > 65_535) {
    throw new InvalidArgumentError(`"${value}" is not a port: use 0 (a free port) to 65535`);
  }
  return n;
}

/** A delay in whole milliseconds, or `never` (Infinity). */
export function parseDelayMsOrNever(value: string): number {
  return value.trim().toLowerCase() === 'never' ? Number.POSITIVE_INFINITY : parseNonNegativeInt(value);
}

/** `N` (the Nth request), `N+C` (C requests from the Nth) or `*` (every request). */
function parseSelector(value: string): { nth: number; count: number } {
  if (value === '*') return { nth: 1, count: Number.POSITIVE_INFINITY };
  const m = /^(\d+)(?:\+(\d+))?$/.exec(value);
  if (!m?.[1]) throw new InvalidArgumentError(`bad request selector "${value}" (N, N+COUNT or *)`);
  const nth = Number(m[1]);
  if (nth < 1) throw new InvalidArgumentError('request numbers start at 1');
  return { nth, count: m[2] === undefined ? 1 : Number(m[2]) };
}

const WHEN: Readonly<Record<string, { afterHandling?: true; cutConnection?: true }>> = {
  after: { afterHandling: true },
  cut: { cutConnection: true },
  'after-cut': { afterHandling: true, cutConnection: true },
};

/**
 * `KIND:SELECTOR:STATUS[:RETRY_AFTER_S|none][:after|cut|after-cut]`, repeatable. `none` sends no
 * `Retry-After`; `after` handles the request before answering STATUS; `cut` cuts the connection.
 */
export function collectStatusFault(value: string, previous: StatusFault[] = []): StatusFault[] {
  const [kind, selector, status, retryAfter, when] = value.split(':');
  const timing = when === undefined || when === '' ? {} : WHEN[when];
  if (timing === undefined)
    throw new InvalidArgumentError(`unknown fault timing "${when}" (after, cut, after-cut)`);
  if (!kind || !KINDS.includes(kind as RequestKind)) {
    throw new InvalidArgumentError(`unknown request kind "${kind ?? ''}" (one of ${KINDS.join(', ')})`);
  }
  const code = Number(status);
  if (!Number.isInteger(code) || code < 400 || code > 599) {
    throw new InvalidArgumentError('expected KIND:N:STATUS with a 4xx/5xx status');
  }
  const fault: StatusFault = {
    kind: kind as RequestKind,
    ...parseSelector(selector ?? ''),
    status: code,
    ...(retryAfter === undefined || retryAfter === ''
      ? {}
      : { retryAfterSeconds: retryAfter === 'none' ? null : parseNonNegativeInt(retryAfter) }),
    ...timing,
  };
  return [...previous, fault];
}

/** `SELECTOR:AFTER_BYTES`, repeatable. */
export function collectResetFault(value: string, previous: ResetFault[] = []): ResetFault[] {
  const [selector, afterBytes] = value.split(':');
  if (afterBytes === undefined) throw new InvalidArgumentError('expected N:AFTER_BYTES');
  return [...previous, { ...parseSelector(selector ?? ''), afterBytes: parseNonNegativeInt(afterBytes) }];
}

/** `SELECTOR:DURATION_MS[:AFTER_BYTES]`, repeatable. */
export function collectStallFault(value: string, previous: StallFault[] = []): StallFault[] {
  const [selector, durationMs, afterBytes] = value.split(':');
  if (durationMs === undefined) throw new InvalidArgumentError('expected N:DURATION_MS[:AFTER_BYTES]');
  return [
    ...previous,
    {
      ...parseSelector(selector ?? ''),
      durationMs: parseNonNegativeInt(durationMs),
      ...(afterBytes === undefined ? {} : { afterBytes: parseNonNegativeInt(afterBytes) }),
    },
  ];
}

/** `upload,edit,delete`: the token's scopes (Vimeo's names; an empty list is allowed). */
export function parseScopes(value: string): VimeoScope[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  try {
    return checkScopes(names);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** `create:SELECTOR` or `version:SELECTOR`, repeatable. */
export function collectForeignLinkFault(
  value: string,
  previous: ForeignLinkFault[] = [],
): ForeignLinkFault[] {
  const [kind, selector] = value.split(':');
  if (kind !== 'create' && kind !== 'version') {
    throw new InvalidArgumentError('expected create:N or version:N (N, N+COUNT or *)');
  }
  return [...previous, { kind, ...parseSelector(selector ?? '') }];
}

/** `SELECTOR[:AFTER_BYTES]`, repeatable. */
export function collectLyingHeadFault(value: string, previous: LyingHeadFault[] = []): LyingHeadFault[] {
  const [selector, afterBytes] = value.split(':');
  return [
    ...previous,
    {
      ...parseSelector(selector ?? ''),
      ...(afterBytes === undefined ? {} : { afterBytes: parseNonNegativeInt(afterBytes) }),
    },
  ];
}
