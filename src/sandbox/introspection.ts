/**
 * The introspection view (`GET /__sandbox/state`, `Sandbox.state()`): every live video with the
 * size and SHA-256 of its stored bytes, its statuses, whether the upload host saw a token, its
 * versions; and the counters.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxContext } from './context.js';
import type { UploadRecord } from './state-store.js';
import { currentUpload } from './state-store.js';
import { linkExpired, uploadStatuses } from './status.js';
import type { SandboxState, SandboxUploadState, SandboxVideoState } from './types.js';
import { isoSeconds, uploadLinkOf } from './video-view.js';

const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** Hashes by path, valid while size and mtime are unchanged; one per sandbox. */
export type HashCache = Map<string, { sizeBytes: number; mtimeMs: number; sha256: string }>;

async function hashFile(
  hashCache: HashCache,
  path: string,
  withHash: boolean,
): Promise<{ sizeBytes: number; sha256: string | null }> {
  let info: { size: number; mtimeMs: number };
  try {
    info = await stat(path);
  } catch {
    return { sizeBytes: 0, sha256: withHash ? EMPTY_SHA256 : null };
  }
  if (!withHash) return { sizeBytes: info.size, sha256: null };
  const cached = hashCache.get(path);
  if (cached && cached.sizeBytes === info.size && cached.mtimeMs === info.mtimeMs) {
    return { sizeBytes: cached.sizeBytes, sha256: cached.sha256 };
  }
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const buf = chunk as Buffer;
    sizeBytes += buf.length;
    hash.update(buf);
  }
  const sha256 = hash.digest('hex');
  // Cache only a hash that matches the size seen by stat (the file did not grow meanwhile).
  if (sizeBytes === info.size) hashCache.set(path, { sizeBytes, mtimeMs: info.mtimeMs, sha256 });
  return { sizeBytes, sha256 };
}

async function uploadState(
  ctx: SandboxContext,
  upload: UploadRecord,
  withHash: boolean,
): Promise<SandboxUploadState> {
  const { sizeBytes, sha256 } = await hashFile(
    ctx.hashCache,
    join(ctx.uploadsDir, upload.uploadId),
    withHash,
  );
  const statuses = uploadStatuses(upload, ctx.options, ctx.now());
  return {
    uploadId: upload.uploadId,
    uploadLink: uploadLinkOf(ctx, upload),
    sizeBytes: upload.sizeBytes,
    storedBytes: sizeBytes,
    sha256,
    uploadStatus: statuses.upload,
    transcodeStatus: statuses.transcode,
    expired: linkExpired(upload, ctx.faults.faults.linkTtlMs, ctx.now()),
  };
}

function privacyViewOf(metadata: Record<string, unknown>): string {
  const privacy = metadata.privacy;
  const view =
    privacy !== null && typeof privacy === 'object' ? (privacy as Record<string, unknown>).view : undefined;
  return typeof view === 'string' ? view : 'anybody';
}

/** Build the introspection state. */
export async function sandboxState(ctx: SandboxContext, withHashes = true): Promise<SandboxState> {
  const videos: SandboxVideoState[] = [];
  for (const video of ctx.store.liveVideos()) {
    const versions = [];
    for (const version of video.versions) {
      versions.push({
        ...(await uploadState(ctx, version, withHashes)),
        uri: `/videos/${video.id}/versions/${version.versionId}`,
        fileName: version.fileName,
      });
    }
    videos.push({
      ...(await uploadState(ctx, currentUpload(video), withHashes)),
      id: video.id,
      uri: `/videos/${video.id}`,
      name: typeof video.metadata.name === 'string' ? video.metadata.name : 'Untitled',
      createdTime: isoSeconds(video.createdAtMs),
      uploadHostSawToken: video.uploadHostSawToken,
      privacyView: privacyViewOf(video.metadata),
      password: typeof video.metadata.password === 'string' ? video.metadata.password : null,
      status: uploadStatuses(currentUpload(video), ctx.options, ctx.now()).video,
      versions,
    });
  }
  return {
    videos,
    deletedVideoIds: ctx.store
      .allVideos()
      .filter((v) => v.deleted)
      .map((v) => v.id),
    foreignUploads: await ctx.foreign.uploads(),
    counters: {
      createCalls: ctx.store.createCalls,
      videosCreated: ctx.store.videosCreated,
      requests: ctx.faults.requestCounts(),
      faultsInjected: ctx.faults.injectedCounts(),
      apiRequestsWithTusHeaders: ctx.apiRequestsWithTusHeaders,
      rateLimitRefusals: ctx.rateLimitRefusals,
    },
  };
}
