/**
 * Renders the sandbox's records as Vimeo API resources (video, version, user).
 */
import type { SandboxContext } from './context.js';
import type { UploadRecord, VersionRecord, VideoRecord } from './state-store.js';
import { currentUpload } from './state-store.js';
import { uploadStatuses } from './status.js';

/** The sandbox's single user: one per instance (per data folder). */
export function userUriOf(ctx: SandboxContext): string {
  return `/users/${ctx.store.userId}`;
}

/** The upload link of an upload record. */
export function uploadLinkOf(ctx: SandboxContext, upload: Pick<UploadRecord, 'uploadId'>): string {
  return `${ctx.uploadUrl}/files/${upload.uploadId}`;
}

function uploadObject(ctx: SandboxContext, upload: UploadRecord): Record<string, unknown> {
  const statuses = uploadStatuses(upload, ctx.options, ctx.now());
  return {
    status: statuses.upload,
    approach: 'tus',
    size: upload.sizeBytes,
    upload_link: uploadLinkOf(ctx, upload),
  };
}

/** The video resource, as `GET /videos/{id}` answers it. */
export function videoResource(ctx: SandboxContext, video: VideoRecord): Record<string, unknown> {
  const upload = currentUpload(video);
  const statuses = uploadStatuses(upload, ctx.options, ctx.now());
  // The video password is write-only, as at Vimeo: never in an answer.
  const { password: _password, ...shown } = video.metadata;
  return {
    ...shown,
    uri: `/videos/${video.id}`,
    name: typeof video.metadata.name === 'string' ? video.metadata.name : 'Untitled',
    link: `https://vimeo.com/${video.id}`,
    type: 'video',
    created_time: isoSeconds(video.createdAtMs),
    status: statuses.video,
    privacy: video.metadata.privacy ?? { view: 'anybody' },
    user: { uri: userUriOf(ctx) },
    upload: uploadObject(ctx, upload),
    transcode: { status: statuses.transcode },
  };
}

/** The version resource, as `POST /videos/{id}/versions` answers it. */
export function versionResource(
  ctx: SandboxContext,
  video: VideoRecord,
  version: VersionRecord,
): Record<string, unknown> {
  const statuses = uploadStatuses(version, ctx.options, ctx.now());
  return {
    uri: `/videos/${video.id}/versions/${version.versionId}`,
    // The request names it `file_name`; the version resource answers `filename`.
    filename: version.fileName,
    active: statuses.upload === 'complete',
    created_time: isoSeconds(version.issuedAtMs),
    upload: uploadObject(ctx, version),
    transcode: { status: statuses.transcode },
  };
}

/** Vimeo's timestamp style: `2023-04-08T09:21:35+00:00`. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
