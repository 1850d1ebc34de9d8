/**
 * The shapes the REST client returns, normalised from Vimeo's snake_case JSON.
 */

/** Vimeo's `upload.status` / `transcode.status` values (others pass through as strings). */
export type VimeoStatus = 'in_progress' | 'complete' | 'error' | (string & {});

/** Fields passed through to the create body of `POST /me/videos`. */
export interface VideoFields {
  readonly name?: string;
  readonly description?: string;
  /** e.g. `{ view: 'unlisted' }` */
  readonly privacy?: Readonly<Record<string, unknown>>;
  readonly folder_uri?: string;
  readonly password?: string;
  /** Any other documented field of the create body. */
  readonly [field: string]: unknown;
}

/** A video (or a version of one) just created with the tus approach. */
export interface CreatedVideo {
  /** `/videos/123`, also for a version (the version's own URI is in `versionUri`). */
  readonly videoUri: string;
  /** `https://vimeo.com/123`; empty when Vimeo did not say. */
  readonly link: string;
  /** The tus upload link: a capability URL, never logged. */
  readonly uploadLink: string;
  readonly name: string | null;
  readonly uploadStatus: VimeoStatus;
  readonly transcodeStatus: VimeoStatus;
  /** `/videos/123/versions/456` when this is a new version of an existing video. */
  readonly versionUri?: string;
  /**
   * True when the create call failed after it was sent (5xx, timeout, reset) and this is the video
   * it made, found again in the account's newest videos and adopted instead of making another.
   */
  readonly adopted?: boolean;
}

/** A video as `GET /videos/{id}` or `GET /me/videos` describe it (only the fields asked for). */
export interface VideoInfo {
  readonly uri: string;
  readonly name?: string;
  readonly link?: string;
  readonly createdTime?: string;
  /**
   * The deprecated top-level `status`: `uploading`, `transcode_starting`, `transcoding`,
   * `available`, `uploading_error`, `transcoding_error`, `quota_exceeded`, `total_cap_exceeded`...
   */
  readonly status?: string;
  readonly upload?: {
    readonly status?: VimeoStatus;
    readonly size?: number;
    readonly approach?: string;
    readonly uploadLink?: string;
  };
  readonly transcode?: { readonly status?: VimeoStatus };
}

/** The last rate-limit headers the API sent (`X-RateLimit-*`). */
export interface RateLimitInfo {
  readonly limit: number | null;
  readonly remaining: number | null;
  /** When the window resets; null when absent or unparseable. */
  readonly resetAt: Date | null;
}

/** The account behind the token (`GET /me`). */
export interface AccountInfo {
  readonly uri: string;
  readonly name?: string;
  /** Vimeo's `upload_quota` object, passed through untouched (shapes vary by plan). */
  readonly uploadQuota?: unknown;
}

/** What every call of the client may take. */
export interface CallOptions {
  /** Aborts this call (retries included). */
  readonly signal?: AbortSignal | undefined;
}

/** Options of `VimeoClient.createVideo`. */
export interface CreateVideoOptions extends CallOptions {
  /** The size of the file to upload, in bytes (`upload.size`). */
  readonly sizeBytes: number;
  /** Fields of the create body (`name`, `description`, `privacy`...). */
  readonly video?: VideoFields;
}

/** Options of `VimeoClient.createVersion`. */
export interface CreateVersionOptions extends CallOptions {
  /** The video to give a new file (`/videos/123`). */
  readonly videoUri: string;
  readonly sizeBytes: number;
  /** The new file's name, as Vimeo shows it. */
  readonly fileName: string;
}

/** Options of `VimeoClient.getVideo`. */
export interface GetVideoOptions extends CallOptions {
  /** `/videos/123` (or a bare id). */
  readonly videoUri: string;
  /** Only these fields (`?fields=`), e.g. `['uri', 'upload.status']`. @default every field */
  readonly fields?: readonly string[];
}

/** Options of `VimeoClient.editVideo`. */
export interface EditVideoOptions extends CallOptions {
  readonly videoUri: string;
  /** The fields to change (the body of `PATCH /videos/{id}`). */
  readonly video: VideoFields;
}

/** Options of `VimeoClient.deleteVideo`. */
export interface DeleteVideoOptions extends CallOptions {
  readonly videoUri: string;
}

/** Options of `VimeoClient.listVideos`. */
export interface ListVideosOptions extends CallOptions {
  /** @default 1 */
  readonly page?: number;
  /** @default Vimeo's (25) */
  readonly perPage?: number;
  /** Only these fields of each video (`?fields=`). @default uri, name, link, created_time, upload, transcode */
  readonly fields?: readonly string[];
}

/** The HTTP methods `VimeoClient.request` sends. */
export type ApiMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Options of `VimeoClient.request`. */
export interface RequestOptions extends CallOptions {
  readonly method: ApiMethod;
  /** An API path such as `/me/albums` (never a URL: the token goes only to the client's API). */
  readonly path: string;
  /** Query parameters. */
  readonly query?: Readonly<Record<string, string>>;
  /** Only these fields of the answer (`?fields=`). */
  readonly fields?: readonly string[];
  /** A JSON body. */
  readonly body?: unknown;
}
