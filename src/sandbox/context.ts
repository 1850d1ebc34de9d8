/**
 * The state every part of the sandbox shares: records, faults, runtime options, the tus store and
 * the two base URLs.
 */
import type { DataStore } from '@tus/server';
import type { FaultController } from './faults.js';
import type { ForeignHost } from './foreign-host.js';
import type { HashCache } from './introspection.js';
import { checkScopes, DEFAULT_SANDBOX_SCOPES } from './scopes.js';
import type { StateStore } from './state-store.js';
import type { SandboxRuntimeOptions, VideoOutcome, VimeoScope } from './types.js';

/** Runtime options with their defaults applied. */
export interface ResolvedRuntimeOptions {
  uploadCompleteDelayMs: number;
  transcodeDelayMs: number;
  transcodeOutcome: 'complete' | 'error';
  videoOutcome: VideoOutcome;
  rateLimit: number;
  rateLimitWindowMs: number;
  rateLimitResetFormat: 'iso' | 'unix';
  quotaBytes: number | undefined;
  quotaVideos: number | undefined;
  createStatus: 200 | 201;
  requireVersionHeader: boolean;
  scopes: readonly VimeoScope[];
}

/** Defaults of the runtime options. */
export const RUNTIME_DEFAULTS: ResolvedRuntimeOptions = {
  uploadCompleteDelayMs: 100,
  transcodeDelayMs: 200,
  transcodeOutcome: 'complete',
  videoOutcome: 'available',
  rateLimit: 10_000,
  rateLimitWindowMs: 60_000,
  rateLimitResetFormat: 'iso',
  quotaBytes: undefined,
  quotaVideos: undefined,
  createStatus: 200,
  requireVersionHeader: false,
  scopes: DEFAULT_SANDBOX_SCOPES,
};

/** Apply `changes` (only the fields present) to `target`. */
export function applyRuntimeOptions(target: ResolvedRuntimeOptions, changes: SandboxRuntimeOptions): void {
  if (changes.scopes !== undefined) checkScopes(changes.scopes);
  for (const [key, value] of Object.entries(changes)) {
    if (value !== undefined && key in target) {
      (target as unknown as Record<string, unknown>)[key] = value;
    }
  }
}

/** Shared by the API host, the upload host and introspection. */
export interface SandboxContext {
  readonly store: StateStore;
  readonly faults: FaultController;
  /** The foreign tus host the `foreignUploadLinks` fault points at (started on first use). */
  readonly foreign: ForeignHost;
  readonly options: ResolvedRuntimeOptions;
  readonly token: string;
  /** The tus data store holding the bytes. */
  readonly tusStore: DataStore;
  /** The folder where the tus store keeps each upload's bytes as `<uploadId>`. */
  readonly uploadsDir: string;
  /** SHA-256 of stored files, by path, for introspection (per sandbox, never shared). */
  readonly hashCache: HashCache;
  /** API requests that carried tus headers. */
  apiRequestsWithTusHeaders: number;
  /** API requests refused with 429 by the rate limit (`rateLimit` per `rateLimitWindowMs`). */
  rateLimitRefusals: number;
  /** Base URL of the upload host, set once it listens. */
  uploadUrl: string;
  /** Milliseconds since the epoch (replaceable for tests). */
  now(): number;
}
