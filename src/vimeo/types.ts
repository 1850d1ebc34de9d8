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
