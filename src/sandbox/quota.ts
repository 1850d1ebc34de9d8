/**
 * Upload quota: bytes (sum of declared upload sizes of live videos, versions included) and video
 * count, checked on create; the numbers `GET /me` reports.
 */
import type { SandboxContext } from './context.js';
import { ApiError, vimeoError } from './errors-body.js';

/** Bytes and videos in use. */
export function quotaUsage(ctx: SandboxContext): { usedBytes: number; usedVideos: number } {
  const videos = ctx.store.liveVideos();
  let usedBytes = 0;
  for (const video of videos) {
    usedBytes += video.upload.sizeBytes;
    for (const version of video.versions) usedBytes += version.sizeBytes;
  }
  return { usedBytes, usedVideos: videos.length };
}

/** Throw 403/4101 (bytes) or 403/4102 (video count) if adding `sizeBytes` (and a video) exceeds the quota. */
export function assertQuota(ctx: SandboxContext, sizeBytes: number, newVideo: boolean): void {
  const { usedBytes, usedVideos } = quotaUsage(ctx);
  const { quotaBytes, quotaVideos } = ctx.options;
  if (quotaBytes !== undefined && usedBytes + sizeBytes > quotaBytes) {
    throw new ApiError(
      403,
      vimeoError(
        4101,
        'You have used up your storage space.',
        `The upload of ${sizeBytes} bytes exceeds the remaining storage quota.`,
      ),
    );
  }
  if (newVideo && quotaVideos !== undefined && usedVideos + 1 > quotaVideos) {
    throw new ApiError(
      403,
      vimeoError(
        4102,
        'You have reached your upload limit for this period.',
        'The video-count quota is used up.',
      ),
    );
  }
}

/** The `upload_quota` object of `GET /me`. */
export function uploadQuota(ctx: SandboxContext): Record<string, unknown> {
  const { usedBytes, usedVideos } = quotaUsage(ctx);
  const { quotaBytes, quotaVideos } = ctx.options;
  const countsVideos = quotaBytes === undefined && quotaVideos !== undefined;
  const unit = countsVideos ? 'video_count' : 'video_size';
  const max = countsVideos ? (quotaVideos ?? null) : (quotaBytes ?? null);
  const used = countsVideos ? usedVideos : usedBytes;
  const free = max === null ? null : Math.max(0, max - used);
  const resetDate = new Date(ctx.now() + 7 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  return {
    space: { free, max, used, showing: 'periodic', unit },
    periodic: { period: 'week', unit, free, max, used, reset_date: resetDate },
    lifetime: { unit, free, max, used },
  };
}
