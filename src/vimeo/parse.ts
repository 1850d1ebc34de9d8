/**
 * Reads Vimeo's JSON answers into the client's types, leniently: unknown fields are ignored, missing
 * ones stay undefined. A create answer that is not a usable tus upload is refused here.
 */
import { TusError, VimeoApiError } from '../errors.js';
import type { AccountInfo, CreatedVideo, VideoInfo } from './types.js';
import { isVersionUri, videoUriIn } from './video-uri.js';

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** Parses a video resource (any subset of fields). */
export function parseVideo(value: unknown): VideoInfo {
  const body = asObject(value);
  const uri = str(body?.uri);
  if (!body || uri === undefined) {
    throw new VimeoApiError('Vimeo answered without a video `uri`: not a video resource');
  }
  const upload = asObject(body.upload);
  const transcode = asObject(body.transcode);
  const info: {
    -readonly [K in keyof VideoInfo]: VideoInfo[K];
  } = { uri };
  const name = str(body.name);
  if (name !== undefined) info.name = name;
  const link = str(body.link);
  if (link !== undefined) info.link = link;
  const created = str(body.created_time);
  if (created !== undefined) info.createdTime = created;
  const status = str(body.status);
  if (status !== undefined) info.status = status;
  if (upload) {
    const status = str(upload.status);
    const size = num(upload.size);
    const approach = str(upload.approach);
    const uploadLink = str(upload.upload_link);
    info.upload = {
      ...(status !== undefined ? { status } : {}),
      ...(size !== undefined ? { size } : {}),
      ...(approach !== undefined ? { approach } : {}),
      ...(uploadLink !== undefined ? { uploadLink } : {}),
    };
  }
  if (transcode) {
    const status = str(transcode.status);
    info.transcode = status !== undefined ? { status } : {};
  }
  return info;
}

/**
 * Parses the answer of `POST /me/videos` or `POST /videos/{id}/versions` and insists that it is a
 * tus upload with an upload link (Vimeo makes a video without one for other approaches and for
 * empty files). A version answer may omit `upload.approach` (`requireApproach: false`).
 */
export function parseCreated(value: unknown, options: { requireApproach?: boolean } = {}): CreatedVideo {
  return createdFromVideo(parseVideo(value), options);
}

/** {@link parseCreated} for a video already parsed (e.g. by `getVideo`). */
export function createdFromVideo(
  video: VideoInfo,
  options: { requireApproach?: boolean } = {},
): CreatedVideo {
  const approach = video.upload?.approach;
  const uploadLink = video.upload?.uploadLink;
  if (approach !== undefined && approach !== 'tus') {
    throw new TusError('E_NOT_TUS', `Vimeo created an upload with approach "${approach}", not "tus"`);
  }
  if (uploadLink === undefined || uploadLink === '') {
    throw new TusError('E_NOT_TUS', 'Vimeo answered the create call without a tus upload_link');
  }
  if (!/^https?:\/\//i.test(uploadLink)) {
    throw new TusError(
      'E_NOT_TUS',
      'Vimeo answered the create call with an upload_link that is not an http(s) URL',
    );
  }
  if (approach === undefined && options.requireApproach !== false) {
    throw new TusError('E_NOT_TUS', 'Vimeo answered the create call without upload.approach "tus"');
  }
  const isVersion = isVersionUri(video.uri);
  return {
    videoUri: videoUriIn(video.uri) ?? video.uri,
    link: video.link ?? '',
    uploadLink,
    name: video.name ?? null,
    uploadStatus: video.upload?.status ?? 'in_progress',
    transcodeStatus: video.transcode?.status ?? 'in_progress',
    ...(isVersion ? { versionUri: video.uri } : {}),
  };
}

/** Parses `GET /me`. */
export function parseAccount(value: unknown): AccountInfo {
  const body = asObject(value);
  const uri = str(body?.uri);
  if (!body || uri === undefined) throw new VimeoApiError('Vimeo answered GET /me without a user `uri`');
  const name = str(body.name);
  return {
    uri,
    ...(name !== undefined ? { name } : {}),
    ...(body.upload_quota !== undefined ? { uploadQuota: body.upload_quota } : {}),
  };
}

/** Parses a paged list (`{ data: [...], paging: { next } }`). */
export function parseVideoList(value: unknown): { data: VideoInfo[]; next: string | null } {
  const body = asObject(value);
  const data = Array.isArray(body?.data) ? body.data.map(parseVideo) : [];
  const paging = asObject(body?.paging);
  return { data, next: str(paging?.next) ?? null };
}
