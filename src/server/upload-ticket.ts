/**
 * The server's half of a browser upload: make the video (or a new version of one) with the
 * account's token and hand the page only what it needs to send the bytes. Nothing secret goes
 * back: the upload link is a capability for this one upload, never the token.
 */
import { ConfigError } from '../errors.js';
import { VimeoClient } from '../vimeo/client.js';
import type { VideoFields } from '../vimeo/types.js';
import { requireVideoUri } from '../vimeo/video-uri.js';

/** Options of {@link createUploadTicket}. */
export interface CreateUploadTicketOptions {
  /** The account's token (`upload` scope; `edit` too for `replace`). Stays on the server. */
  readonly token: string;
  /** The exact size in bytes of the file the browser will send. */
  readonly size: number;
  /** Fields of the new video (`name`, `description`, `privacy`...); `name` also names a version's file. */
  readonly video?: VideoFields;
  /**
   * A video (`/videos/123`) to give a new version instead of making a new video: what the browser
   * asks for when its earlier upload link of that video is dead.
   */
  readonly replace?: string;
  /** @default 'https://api.vimeo.com' */
  readonly apiUrl?: string;
  readonly signal?: AbortSignal;
}

/** What the page gets: no token, nothing but this upload's link and the video's names. */
export interface UploadTicket {
  /** The tus upload link the browser sends the bytes to. */
  readonly uploadLink: string;
  /** `/videos/123`: the same video for a new version. */
  readonly videoUri: string;
  /** `https://vimeo.com/123` (empty when Vimeo did not say). */
  readonly link: string;
}

/**
 * Create a video (or, with `replace`, a new version of that video) for a file of `size` bytes that
 * a browser will upload, and return its upload link.
 * @throws ConfigError for a bad size or video; the errors of {@link VimeoClient.createVideo} /
 *   `createVersion` (VimeoApiError E_AUTH, E_QUOTA, E_RATE_LIMITED...).
 * @example
 * const ticket = await createUploadTicket({ token: process.env.VIMEO_TOKEN, size: 52428800, video: { name: 'Talk' } });
 * // send { uploadLink: ticket.uploadLink, videoUri: ticket.videoUri } to the page
 */
export async function createUploadTicket(options: CreateUploadTicketOptions): Promise<UploadTicket> {
  const { size, video, replace, signal } = options;
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new ConfigError(`size must be a whole number of bytes above 0 (got ${size})`);
  }
  const client = new VimeoClient({
    token: options.token,
    ...(options.apiUrl === undefined ? {} : { apiUrl: options.apiUrl }),
  });
  const created =
    replace === undefined
      ? await client.createVideo({ sizeBytes: size, ...(video ? { video } : {}), signal })
      : await client.createVersion({
          videoUri: requireVideoUri(replace),
          sizeBytes: size,
          fileName: typeof video?.name === 'string' && video.name !== '' ? video.name : 'upload',
          signal,
        });
  let link = created.link;
  if (link === '') {
    const info = await client.getVideo({ videoUri: created.videoUri, fields: ['uri', 'link'], signal });
    link = info.link ?? '';
  }
  return { uploadLink: created.uploadLink, videoUri: created.videoUri, link };
}
