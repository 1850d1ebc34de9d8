/**
 * Checks and completes the options of an upload once, before anything is sent.
 */

import { type ResolvedRetryPolicy, resolveRetryPolicy } from '../core/retry.js';
import { ConfigError } from '../errors.js';
import { checkChunkSizeBytes } from '../tus/chunk-sizer.js';
import { DEFAULT_STALL_TIMEOUT_MS } from '../tus/constants.js';
import { checkAccessToken } from '../vimeo/access-token.js';
import { requireVideoUri } from '../vimeo/video-uri.js';
import { DEFAULT_VERIFY_TIMEOUT_MS } from './confirm.js';
import type { EngineOptions, ProcessingWaitOptions, UploadSettings } from './types.js';

const DEFAULT_PROGRESS_INTERVAL_MS = 250;
export const DEFAULT_PROCESSING_TIMEOUT_MS = 30 * 60_000;
export const DEFAULT_POLL_INTERVAL_MS = 2_000;

/** The options with every default filled in. */
export interface ResolvedUploadOptions extends Omit<EngineOptions, 'chunkSizeBytes'> {
  /** Checked and complete; passed as is to the REST client, the transfer and the verify step. */
  readonly retry: ResolvedRetryPolicy;
  /** `undefined`: the default chunk policy (src/tus/chunk-sizer.ts). */
  readonly chunkSizeBytes: number | undefined;
  readonly stallTimeoutMs: number;
  readonly verifyTimeoutMs: number;
  readonly progressIntervalMs: number;
  readonly processing: Required<ProcessingWaitOptions> | null;
}

/** Validates the options (ConfigError on a bad value) and fills in the defaults. */
export function resolveUploadOptions(options: EngineOptions): ResolvedUploadOptions {
  checkAccessToken(options.token);
  const chunkSizeBytes =
    options.chunkSizeBytes === undefined ? undefined : checkChunkSizeBytes(options.chunkSizeBytes);
  const stallTimeoutMs = positive('stallTimeoutMs', options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS);
  const verifyTimeoutMs = options.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
  if (!Number.isFinite(verifyTimeoutMs) || verifyTimeoutMs < 0) {
    throw new ConfigError('verifyTimeoutMs must be zero or more milliseconds');
  }
  const progressIntervalMs = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  if (!Number.isFinite(progressIntervalMs) || progressIntervalMs < 0) {
    throw new ConfigError('progressIntervalMs must be zero or more');
  }
  if (options.video !== undefined && (options.video === null || typeof options.video !== 'object')) {
    throw new ConfigError('video must be an object of fields for the create call');
  }
  // Before anything is created: a bad policy found after the create would leave an empty video.
  const retry = resolveRetryPolicy(options.retry);
  if (options.resume && options.replace !== undefined) {
    throw new ConfigError('Give either resume or replace, not both');
  }
  let { resume, replace } = options;
  if (resume) {
    if (!/^https?:\/\/[^/]/i.test(resume.uploadLink)) {
      throw new ConfigError('resume.uploadLink must be the http(s) upload link of the video');
    }
    resume = { ...resume, videoUri: requireVideoUri(resume.videoUri, 'a video in resume.videoUri') };
  }
  if (replace !== undefined) replace = requireVideoUri(replace, 'a video to replace');
  return {
    ...options,
    ...(resume ? { resume } : {}),
    ...(replace !== undefined ? { replace } : {}),
    retry,
    chunkSizeBytes,
    stallTimeoutMs,
    verifyTimeoutMs,
    progressIntervalMs,
    processing: resolveProcessing(options),
  };
}

function resolveProcessing(options: UploadSettings): Required<ProcessingWaitOptions> | null {
  const wait = options.waitForProcessing;
  if (wait === undefined || wait === false) return null;
  const given = wait === true ? {} : wait;
  return {
    timeoutMs: positive('waitForProcessing.timeoutMs', given.timeoutMs ?? DEFAULT_PROCESSING_TIMEOUT_MS),
    pollIntervalMs: positive(
      'waitForProcessing.pollIntervalMs',
      given.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    ),
  };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigError(`${name} must be a positive number of milliseconds`);
  return value;
}
