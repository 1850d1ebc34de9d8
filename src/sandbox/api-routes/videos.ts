/**
 * Video routes: create (`POST /me/videos`), get, edit, delete (`/videos/{id}`), list (`GET /me/videos`).
 */
import type { SandboxContext } from '../context.js';
import { ApiError, notFound, vimeoError } from '../errors-body.js';
import { objectField, readJsonBody } from '../http-util.js';
import { assertQuota } from '../quota.js';
import { listable } from '../scopes.js';
import type { VideoRecord } from '../state-store.js';
import { videoResource } from '../video-view.js';
import type { Route, RouteHandler } from './route.js';
import { createTusUpload, parseUploadParams, withForeignLinkIfFaulted } from './upload-params.js';

const PASS_THROUGH_EXCLUDED = new Set([
  'upload',
  'uri',
  'link',
  'status',
  'transcode',
  'user',
  'created_time',
]);

function metadataFrom(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !PASS_THROUGH_EXCLUDED.has(key)));
}

/** As Vimeo: `privacy.view` "password" needs a non-empty `password` (400, 2204, field `password`). */
function assertPasswordGiven(metadata: Record<string, unknown>): void {
  if (objectField(metadata, 'privacy')?.view !== 'password') return;
  const password = metadata.password;
  if (typeof password === 'string' && password !== '') return;
  const message = 'A password is required when privacy.view is "password".';
  throw new ApiError(
    400,
    vimeoError(2204, 'You have provided an invalid parameter.', message, [
      { field: 'password', error_code: 2204, error: 'The password is missing.', developer_message: message },
    ]),
  );
}

function findOr404(ctx: SandboxContext, id: string | undefined): VideoRecord {
  const video = id === undefined ? undefined : ctx.store.findVideo(id);
  if (!video) throw notFound('video');
  return video;
}

const createVideo: RouteHandler = async (ctx, req, _url, _params, n) => {
  const body = await readJsonBody(req);
  const { sizeBytes } = parseUploadParams(body);
  // Quota is checked before anything is created: a refused create leaves no trace.
  assertQuota(ctx, sizeBytes, true);
  const metadata = metadataFrom(body);
  assertPasswordGiven(metadata);
  if (typeof metadata.name !== 'string') metadata.name = 'Untitled';
  const now = ctx.now();
  const upload = ctx.store.newUpload(sizeBytes, now);
  await createTusUpload(ctx, upload, String(metadata.name));
  const video = ctx.store.addVideo(metadata, upload, now);
  await ctx.store.save();
  const answer = await withForeignLinkIfFaulted(ctx, 'create', n, videoResource(ctx, video), sizeBytes);
  return { status: ctx.options.createStatus, body: answer };
};

const getVideo: RouteHandler = async (ctx, _req, _url, [id]) => {
  return { status: 200, body: videoResource(ctx, findOr404(ctx, id)) };
};

function mergeInto(target: Record<string, unknown>, changes: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(changes)) {
    const current = target[key];
    if (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      typeof current === 'object' &&
      current !== null &&
      !Array.isArray(current)
    ) {
      const copy = { ...(current as Record<string, unknown>) };
      mergeInto(copy, value as Record<string, unknown>);
      target[key] = copy;
    } else {
      target[key] = value;
    }
  }
}

const editVideo: RouteHandler = async (ctx, req, _url, [id]) => {
  const video = findOr404(ctx, id);
  const body = await readJsonBody(req);
  const metadata = { ...video.metadata };
  mergeInto(metadata, metadataFrom(body));
  assertPasswordGiven(metadata);
  video.metadata = metadata;
  await ctx.store.save();
  return { status: 200, body: videoResource(ctx, video) };
};

const deleteVideo: RouteHandler = async (ctx, _req, _url, [id]) => {
  const video = findOr404(ctx, id);
  video.deleted = true;
  await ctx.store.save();
  // Its upload links die with it: the bytes go, HEAD/PATCH answer 404.
  for (const upload of [video.upload, ...video.versions]) {
    await ctx.tusStore.remove(upload.uploadId).catch(() => undefined);
  }
  return { status: 204 };
};

function positiveInt(value: string | null, fallback: number, max: number): number {
  const n = value === null ? Number.NaN : Number(value);
  return Number.isSafeInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}

const listVideos: RouteHandler = async (ctx, _req, url) => {
  const page = positiveInt(url.searchParams.get('page'), 1, Number.MAX_SAFE_INTEGER);
  const perPage = positiveInt(url.searchParams.get('per_page'), 25, 100);
  const privacy = (v: VideoRecord): unknown => objectField(v.metadata, 'privacy')?.view;
  const videos = ctx.store
    .liveVideos()
    .filter((v) => listable(privacy(v), ctx.options.scopes))
    .sort((a, b) => b.createdAtMs - a.createdAtMs || Number(b.id) - Number(a.id));
  const lastPage = Math.max(1, Math.ceil(videos.length / perPage));
  const pageLink = (p: number): string => `/me/videos?page=${p}&per_page=${perPage}`;
  return {
    status: 200,
    filterData: true,
    body: {
      total: videos.length,
      page,
      per_page: perPage,
      paging: {
        next: page < lastPage ? pageLink(page + 1) : null,
        previous: page > 1 ? pageLink(page - 1) : null,
        first: pageLink(1),
        last: pageLink(lastPage),
      },
      data: videos.slice((page - 1) * perPage, page * perPage).map((v) => videoResource(ctx, v)),
    },
  };
};

/** The video routes. */
export const videoRoutes: readonly Route[] = [
  { method: 'POST', pattern: /^\/me\/videos$/, kind: 'create', handler: createVideo },
  { method: 'GET', pattern: /^\/me\/videos$/, kind: 'list-videos', handler: listVideos },
  { method: 'GET', pattern: /^\/videos\/(\d+)$/, kind: 'get-video', handler: getVideo },
  { method: 'PATCH', pattern: /^\/videos\/(\d+)$/, kind: 'edit-video', handler: editVideo },
  { method: 'DELETE', pattern: /^\/videos\/(\d+)$/, kind: 'delete-video', handler: deleteVideo },
];
