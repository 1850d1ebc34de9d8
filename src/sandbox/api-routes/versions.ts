/**
 * `POST /videos/{id}/versions`: a new version of an existing video, with its own fresh upload link.
 */
import { notFound } from '../errors-body.js';
import { readJsonBody } from '../http-util.js';
import { assertQuota } from '../quota.js';
import { versionResource } from '../video-view.js';
import type { Route, RouteHandler } from './route.js';
import { createTusUpload, parseUploadParams, withForeignLinkIfFaulted } from './upload-params.js';

const createVersion: RouteHandler = async (ctx, req, _url, [id], n) => {
  const video = id === undefined ? undefined : ctx.store.findVideo(id);
  if (!video) throw notFound('video');
  const body = await readJsonBody(req);
  const { sizeBytes } = parseUploadParams(body);
  assertQuota(ctx, sizeBytes, false);
  const fileName = typeof body.file_name === 'string' ? body.file_name : null;
  const upload = ctx.store.newUpload(sizeBytes, ctx.now());
  await createTusUpload(ctx, upload, fileName ?? 'untitled');
  const version = ctx.store.addVersion(video, upload, fileName);
  await ctx.store.save();
  const answer = await withForeignLinkIfFaulted(
    ctx,
    'version',
    n,
    versionResource(ctx, video, version),
    sizeBytes,
  );
  return { status: 201, body: answer };
};

/** The version routes. */
export const versionRoutes: readonly Route[] = [
  { method: 'POST', pattern: /^\/videos\/(\d+)\/versions$/, kind: 'version', handler: createVersion },
];
