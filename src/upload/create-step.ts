/**
 * The first step of an upload: find where the bytes go. A new video (`POST /me/videos`), a new
 * version of an existing one (`POST /videos/{id}/versions`), or an earlier upload continued.
 */
import { LedgerError, VimeoTusError } from '../errors.js';
import type { UploadSource } from '../sources/source.js';
import type { VimeoClient } from '../vimeo/client.js';
import type { ResolvedUploadOptions } from './resolve-options.js';

/** What a create (or version) call answered, before anything else is asked. */
export interface CreatedTarget {
  readonly videoUri: string;
  readonly link: string;
  readonly uploadLink: string;
}

/** Where the bytes of this upload go. */
export interface UploadTarget {
  readonly videoUri: string;
  /** The video's page; empty when not known yet (the verify step reads it). */
  readonly link: string;
  /** The tus upload link: a capability, never logged. */
  readonly uploadLink: string;
  /** True when this call created the video (or the version). */
  readonly created: boolean;
  /** True when the create answer was lost and the video it made was found and adopted. */
  readonly adopted: boolean;
}

/**
 * Creates the video (or version), or takes the resume target; runs the create hooks.
 * `onCreated` is told right after the create answer (its `link` may be empty for a version), before
 * the `afterCreate` hook, so that errors after that point can name the video and its link.
 */
export async function obtainUploadTarget(
  client: VimeoClient,
  source: UploadSource,
  options: ResolvedUploadOptions,
  signal: AbortSignal | undefined,
  onCreated?: (created: CreatedTarget) => void,
): Promise<UploadTarget> {
  if (options.resume) {
    const { videoUri, uploadLink } = options.resume;
    const link = options.resume.link || (await pageLinkOf(client, videoUri, signal));
    return { videoUri, uploadLink, link, created: false, adopted: false };
  }
  if (options.replace) await applyPrivacyChange(client, options.replace, options, signal);
  await runHook('beforeCreate', () => options.hooks?.beforeCreate?.());
  const created = options.replace
    ? await client.createVersion({
        videoUri: options.replace,
        sizeBytes: source.sizeBytes,
        fileName: source.name ?? 'upload',
        signal,
      })
    : await client.createVideo({
        sizeBytes: source.sizeBytes,
        video: { ...(source.name !== undefined ? { name: source.name } : {}), ...options.video },
        signal,
      });
  // Recorded at once, before anything else can fail or be aborted: the video exists now.
  const info = { videoUri: created.videoUri, link: created.link, uploadLink: created.uploadLink };
  onCreated?.(info);
  await runHook('afterCreate', () => options.hooks?.afterCreate?.(info));
  // A version answer describes the version, not the video: its page link may be missing.
  const link = created.link || (await pageLinkOf(client, created.videoUri, signal));
  return {
    videoUri: created.videoUri,
    link,
    uploadLink: created.uploadLink,
    created: true,
    adopted: created.adopted === true,
  };
}

/**
 * A replace keeps the video's fields, except the privacy asked for with it (`privacy`, `password`):
 * set on the video (`PATCH /videos/{id}`) before the new file is sent, so that a password-protected
 * replace never shows the new file without its password.
 */
async function applyPrivacyChange(
  client: VimeoClient,
  videoUri: string,
  options: ResolvedUploadOptions,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { privacy, password } = options.video ?? {};
  if (privacy === undefined && password === undefined) return;
  await client.editVideo({
    videoUri,
    video: { ...(privacy !== undefined ? { privacy } : {}), ...(password !== undefined ? { password } : {}) },
    signal,
  });
}

/**
 * The video's page link, best effort: a failure here must not lose a video that already exists
 * (the verify step reads the link again).
 */
async function pageLinkOf(
  client: VimeoClient,
  videoUri: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  try {
    return (await client.getVideo({ videoUri, fields: ['uri', 'link'], signal })).link ?? '';
  } catch (error) {
    if (signal?.aborted) throw error;
    return '';
  }
}

/** Runs a ledger hook; an error that is not ours becomes a LedgerError (never retried). */
export async function runHook(name: string, hook: () => Promise<void> | void | undefined): Promise<void> {
  try {
    await hook();
  } catch (error) {
    if (error instanceof VimeoTusError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new LedgerError(`The ${name} hook failed: ${reason}`, { cause: error });
  }
}
