/**
 * REST client for api.vimeo.com (and the sandbox that imitates it): create a tus upload, replace a
 * video's file, read statuses, list, delete, read the account. Built on node:http(s) (see
 * api-request.ts: Node 20's fetch would load undici, +36–41 MiB peak RSS per process).
 *
 * Retries: idempotent calls (GET, DELETE) are retried with backoff on network errors, 5xx and 429.
 * The create calls are not idempotent (each one makes a visible video), so they are retried only
 * when the answer proves nothing was created (429) or nothing was sent (connection refused, DNS).
 * After a 5xx, a timeout or a reset, the video the call may have made is looked for and adopted
 * (see create-recovery.ts), or a CreateOutcomeUnknownError says that a video may exist.
 */

import { createHash } from 'node:crypto';
import type { RetryEvent, RetryPolicy } from '../core/retry.js';
import { type ResolvedRetryPolicy, resolveRetryPolicy } from '../core/retry.js';
import { withRetries } from '../core/with-retries.js';
import {
  AbortError,
  attachUpload,
  ConfigError,
  NetworkError,
  summarizeRequest,
  uploadLinkSecrets,
  VimeoApiError,
  type VimeoTusError,
} from '../errors.js';
import { checkAccessToken } from './access-token.js';
import { createApiAgents, type HeaderReader, requestText } from './api-request.js';
import { DEFAULT_API_URL, normaliseApiUrl } from './api-url.js';
import {
  adoptCreated,
  createMayHaveSucceeded,
  discardUnusable,
  outcomeUnknown,
  type UploadProbe,
  uriIn,
} from './create-recovery.js';
import { mapErrorAnswer, mapNetworkFailure } from './error-mapping.js';
import { parseAccount, parseCreated, parseVideo, parseVideoList } from './parse.js';
import { parseRateLimitHeaders } from './rate-limit.js';
import type {
  AccountInfo,
  ApiMethod,
  CallOptions,
  CreatedVideo,
  CreateVersionOptions,
  CreateVideoOptions,
  DeleteVideoOptions,
  EditVideoOptions,
  GetVideoOptions,
  ListVideosOptions,
  RateLimitInfo,
  RequestOptions,
  VideoFields,
  VideoInfo,
} from './types.js';
import { assertUploadLinkAllowed } from './upload-link.js';
import { requireVideoUri } from './video-uri.js';

/** The Accept header that pins API version 3.4 (older versions refuse upload calls with 3116). */
export const VIMEO_ACCEPT = 'application/vnd.vimeo.*+json;version=3.4';
const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const CREATE_FIELDS = ['uri', 'link', 'name', 'upload', 'transcode'] as const;
/** What a version answer is read for (as Vimeo's SDKs ask: fields count against rate limits). */
const VERSION_FIELDS = ['uri', 'upload'] as const;
const LIST_FIELDS = ['uri', 'name', 'link', 'created_time', 'upload', 'transcode'] as const;

/** Options of {@link VimeoClient}. */
export interface VimeoClientOptions {
  /** A personal access token with the `upload` scope (`edit` to replace, `delete` to delete). */
  readonly token: string;
  /** @default 'https://api.vimeo.com' */
  readonly apiUrl?: string;
  /** Aborts every call of this client. */
  readonly signal?: AbortSignal;
  /**
   * Retry policy for the calls that may be retried (`maxAttempts` default 5 here). Checked at
   * construction: ConfigError unless maxAttempts is an integer >= 1 and delays are finite >= 0.
   */
  readonly retry?: RetryPolicy;
  /** Cut a call that has not finished after this long (then retried where allowed). @default 60000 */
  readonly requestTimeoutMs?: number;
  /** Told before each retry sleep. */
  readonly onRetry?: (event: RetryEvent) => void;
  /**
   * Asks an upload link for its offset and length (a tus HEAD; the upload engine passes its own).
   * With it, a video adopted after a lost create answer must hold no byte yet, as the one that call
   * made would: one that already holds bytes belongs to another upload, and is not continued.
   * Without it, an adopted video's upload is not checked.
   */
  readonly probeUpload?: UploadProbe;
  /**
   * Told the `X-RateLimit-*` headers of every answer that carries them (errors, a 429 included),
   * as {@link VimeoClient.rateLimit} is updated: how a caller learns that the account's limit is
   * running out before Vimeo refuses a call. A throw from it is ignored (the call goes on).
   */
  readonly onRateLimit?: (reading: RateLimitInfo) => void;
}

/** The methods `request` sends. */
const API_METHODS: readonly ApiMethod[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

interface ApiCall {
  readonly method: ApiMethod;
  readonly path: string;
  readonly fields?: readonly string[] | undefined;
  readonly query?: Readonly<Record<string, string>> | undefined;
  readonly body?: unknown;
  readonly signal: AbortSignal | undefined;
  /** Treat this status as success on a retried attempt (DELETE that already happened: 404). */
  readonly okOnRetry?: number;
}

/**
 * A client of Vimeo's REST API. The token is sent only to `apiUrl` and never appears in an error.
 * @example
 * const client = new VimeoClient({ token });
 * const created = await client.createVideo({ sizeBytes, video: { name: 'Talk' } });
 */
export class VimeoClient {
  /** The API base URL, without a trailing slash. */
  readonly apiUrl: string;
  readonly #token: string;
  readonly #tokenKey: string;
  readonly #signal: AbortSignal | undefined;
  readonly #retry: ResolvedRetryPolicy;
  readonly #requestTimeoutMs: number;
  readonly #onRetry: ((event: RetryEvent) => void) | undefined;
  readonly #probeUpload: UploadProbe | undefined;
  readonly #onRateLimit: ((reading: RateLimitInfo) => void) | undefined;
  readonly #agents = createApiAgents();
  /** Every form of the upload links this client has seen or was told of, and video passwords: redacted from errors. */
  readonly #secrets = new Set<string>();
  #rateLimit: RateLimitInfo | null = null;

  constructor(options: VimeoClientOptions) {
    checkAccessToken(options.token);
    this.#token = options.token;
    this.#tokenKey = createHash('sha256').update(options.token).digest('hex');
    this.apiUrl = normaliseApiUrl(options.apiUrl ?? DEFAULT_API_URL);
    this.#signal = options.signal;
    // Checked here, once: a NaN or 0 maxAttempts would otherwise loop forever or never try.
    this.#retry = resolveRetryPolicy({ maxAttempts: DEFAULT_MAX_ATTEMPTS, ...definedOnly(options.retry) });
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!Number.isFinite(this.#requestTimeoutMs) || this.#requestTimeoutMs <= 0) {
      throw new ConfigError('requestTimeoutMs must be a positive number of milliseconds');
    }
    this.#onRetry = options.onRetry;
    this.#probeUpload = options.probeUpload;
    this.#onRateLimit = options.onRateLimit;
  }

  /**
   * Which token this client speaks for, as a SHA-256 of it (never the token itself): clients with
   * equal keys on one API URL see the same account. A getter, so that inspecting a client shows
   * neither.
   */
  get tokenKey(): string {
    return this.#tokenKey;
  }

  /** The `X-RateLimit-*` headers of the latest answer; null before the first one. */
  get rateLimit(): RateLimitInfo | null {
    return this.#rateLimit;
  }

  /**
   * `POST /me/videos` with `upload.approach = "tus"`: creates the video and its upload link.
   * Throws TusError E_NOT_TUS when the answer has no tus upload link. Never sent twice: after a
   * lost answer the video it made is found and adopted, or CreateOutcomeUnknownError says so.
   * @example const { videoUri, uploadLink } = await client.createVideo({ sizeBytes, video: { name: 'Talk' } });
   */
  async createVideo(options: CreateVideoOptions): Promise<CreatedVideo> {
    const { sizeBytes, signal } = options;
    assertSize(sizeBytes);
    const video = this.#withPassword(options.video ?? {});
    const extraUpload = isPlainObject(video.upload) ? video.upload : {};
    const body = { ...video, upload: { ...extraUpload, approach: 'tus', size: sizeBytes } };
    const startedAtMs = Date.now();
    let json: unknown;
    try {
      json = await this.#send({ method: 'POST', path: '/me/videos', fields: CREATE_FIELDS, body, signal });
    } catch (error) {
      if (!createMayHaveSucceeded(error)) throw error;
      const name = typeof video.name === 'string' ? video.name : undefined;
      const adopted = await adoptCreated(
        this,
        error as VimeoTusError,
        { name, sizeBytes, startedAtMs },
        signal,
        this.#probeUpload,
      );
      return this.#checkLink(adopted, 'The adopted video');
    }
    let created: CreatedVideo;
    try {
      created = parseCreated(json);
    } catch (error) {
      throw await discardUnusable(this, json, error, startedAtMs, signal);
    }
    return this.#checkLink(created, 'The answer of POST /me/videos');
  }

  /**
   * Refuses an upload link the bytes must not go to (upload-link.ts), naming the video it belongs
   * to: it exists, and its own upload (`GET /videos/{id}?fields=upload`) may still be usable.
   */
  #checkLink(created: CreatedVideo, where: string): CreatedVideo {
    try {
      assertUploadLinkAllowed(this.apiUrl, created.uploadLink, where);
    } catch (error) {
      throw attachUpload(error, { videoUri: created.videoUri });
    }
    return created;
  }

  /**
   * `POST /videos/{id}/versions` (`edit` scope): a new file for an existing video, with its own
   * upload link. The returned `videoUri` is the video's (unchanged); `versionUri` is the version's.
   * @example const version = await client.createVersion({ videoUri: '/videos/123', sizeBytes, fileName: 'v2.mp4' });
   */
  async createVersion(options: CreateVersionOptions): Promise<CreatedVideo> {
    const { videoUri, sizeBytes, fileName, signal } = options;
    assertSize(sizeBytes);
    const path = `${requireVideoUri(videoUri)}/versions`;
    const startedAtMs = Date.now();
    let json: unknown;
    try {
      json = await this.#send({
        method: 'POST',
        path,
        fields: VERSION_FIELDS,
        body: { file_name: fileName, upload: { approach: 'tus', size: sizeBytes } },
        signal,
      });
    } catch (error) {
      // A version cannot be told apart from the others by name: nothing to adopt.
      if (!createMayHaveSucceeded(error)) throw error;
      throw outcomeUnknown(`POST ${path}`, error as VimeoTusError, startedAtMs, 'a new version of it');
    }
    let created: CreatedVideo;
    try {
      created = parseCreated(json, { requireApproach: false });
    } catch (error) {
      // Deleting would delete the whole video, not the version: only say which video it was.
      throw attachUpload(error, { videoUri: uriIn(json) ?? requireVideoUri(videoUri) });
    }
    return this.#checkLink(created, `The answer of POST ${path}`);
  }

  /**
   * `GET /videos/{id}`, trimmed to `fields` when given.
   * @example const video = await client.getVideo({ videoUri: '/videos/123', fields: ['uri', 'upload.status'] });
   */
  async getVideo(options: GetVideoOptions): Promise<VideoInfo> {
    const { videoUri, fields, signal } = options;
    const json = await this.#send({
      method: 'GET',
      path: requireVideoUri(videoUri),
      ...(fields ? { fields } : {}),
      signal,
    });
    return parseVideo(json);
  }

  /**
   * `PATCH /videos/{id}` (`edit` scope): changes the video's fields (name, description, privacy...).
   * Resolves with the video as Vimeo answered it.
   * @example await client.editVideo({ videoUri: '/videos/123', video: { name: 'Talk (final)' } });
   */
  async editVideo(options: EditVideoOptions): Promise<VideoInfo> {
    const { videoUri, signal } = options;
    if (!isPlainObject(options.video)) {
      throw new ConfigError('editVideo needs `video`: the fields to change');
    }
    const video = this.#withPassword(options.video);
    const json = await this.#send({ method: 'PATCH', path: requireVideoUri(videoUri), body: video, signal });
    return parseVideo(json);
  }

  /**
   * `DELETE /videos/{id}` (`delete` scope). A retried delete that finds the video gone succeeds.
   * @example await client.deleteVideo({ videoUri: '/videos/123' });
   */
  async deleteVideo(options: DeleteVideoOptions): Promise<void> {
    await this.#send({
      method: 'DELETE',
      path: requireVideoUri(options.videoUri),
      signal: options.signal,
      okOnRetry: 404,
    });
  }

  /**
   * `GET /me/videos`, newest first, one page.
   * @example const { data, next } = await client.listVideos({ perPage: 50 });
   */
  async listVideos(options: ListVideosOptions = {}): Promise<{ data: VideoInfo[]; next: string | null }> {
    const json = await this.#send({
      method: 'GET',
      path: '/me/videos',
      fields: options.fields ?? LIST_FIELDS,
      query: {
        sort: 'date',
        direction: 'desc',
        ...(options.page !== undefined ? { page: String(options.page) } : {}),
        ...(options.perPage !== undefined ? { per_page: String(options.perPage) } : {}),
      },
      signal: options.signal,
    });
    return parseVideoList(json);
  }

  /**
   * `GET /me`: the account behind the token and its `upload_quota`.
   * @example const { uri } = await client.getMe();
   */
  async getMe(options: CallOptions = {}): Promise<AccountInfo> {
    const json = await this.#send({
      method: 'GET',
      path: '/me',
      fields: ['uri', 'name', 'upload_quota'],
      signal: options.signal,
    });
    return parseAccount(json);
  }

  /**
   * Any call of the API, as vimeo.js's `request`: resolves with the parsed JSON answer (undefined
   * for an empty one); error answers become the same typed errors as every other call. GET, PUT
   * and DELETE are retried after network errors, 5xx and 429; POST and PATCH only when nothing was
   * sent or Vimeo answered 429 (a repeated POST could make something twice). The token goes only
   * to `apiUrl`: `path` is a path (`/me/albums`), never a URL.
   * @example const albums = await client.request({ method: 'GET', path: '/me/albums', query: { per_page: '10' } });
   */
  async request(options: RequestOptions): Promise<unknown> {
    const { method, path, query, fields, body, signal } = options;
    if (!API_METHODS.includes(method)) {
      throw new ConfigError(`request method must be one of ${API_METHODS.join(', ')}`);
    }
    if (typeof path !== 'string' || !/^\/(?!\/)[^\s?#]*$/.test(path)) {
      throw new ConfigError('request path must be an API path such as /me/videos (no URL, query or spaces)');
    }
    return this.#send({
      method,
      path,
      ...(query !== undefined ? { query } : {}),
      ...(fields !== undefined ? { fields } : {}),
      ...(body !== undefined ? { body } : {}),
      signal,
    });
  }

  /**
   * Redacts `uploadLink` (whole, its upload id, bare and URL-encoded) from every later error of this
   * client, as it does for the links it reads in answers. For a link known from elsewhere (a ledger,
   * a resume target).
   * @internal
   */
  protectUploadLink(uploadLink: string): void {
    for (const secret of uploadLinkSecrets(uploadLink)) this.#secrets.add(secret);
  }

  /**
   * The fields with Vimeo's password rule applied: a `password` sets `privacy.view` "password"
   * (ConfigError with another view), `privacy.view` "password" needs a non-empty `password`. The
   * password is redacted from every later error of this client (a video password is shared with
   * viewers, but it is never printed, logged or stored by vimeo-tus).
   */
  #withPassword(video: VideoFields): VideoFields {
    const fields = passwordRule(video);
    if (typeof fields.password === 'string') this.#secrets.add(fields.password);
    return fields;
  }

  #send(call: ApiCall): Promise<unknown> {
    const signal = combine(this.#signal, call.signal);
    return withRetries((attempt) => this.#once(call, signal, attempt > 1), {
      retry: this.#retry,
      signal,
      onRetry: this.#onRetry,
      shouldRetry: (error) => mayRetry(error, call.method),
    });
  }

  async #once(call: ApiCall, signal: AbortSignal | undefined, isRetry: boolean): Promise<unknown> {
    if (signal?.aborted) throw new AbortError('The Vimeo API call was aborted');
    const url = this.#url(call);
    const timeout = AbortSignal.timeout(this.#requestTimeoutMs);
    const callSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      Accept: VIMEO_ACCEPT,
      Authorization: `Bearer ${this.#token}`,
    };
    if (call.body !== undefined) headers['Content-Type'] = 'application/json';
    const secrets = [this.#token, ...this.#secrets];
    let status: number;
    let responseHeaders: HeaderReader;
    let bodyText: string;
    try {
      // Redirects are not followed: a 3xx is an error answer (the token never follows one).
      const answer = await requestText(new URL(url), {
        method: call.method,
        headers,
        ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
        signal: callSignal,
        agents: this.#agents,
      });
      status = answer.status;
      responseHeaders = answer.headers;
      bodyText = answer.bodyText;
    } catch (error) {
      if (signal?.aborted) throw new AbortError('The Vimeo API call was aborted', { cause: error });
      if (timeout.aborted) {
        throw new NetworkError(
          `${call.method} ${call.path} got no answer within ${this.#requestTimeoutMs} ms`,
          {
            cause: error,
            request: summarizeRequest(call.method, url),
          },
        );
      }
      throw mapNetworkFailure(call.method, url, call.path, error, secrets);
    }
    const rateLimit = parseRateLimitHeaders(responseHeaders);
    if (rateLimit) {
      this.#rateLimit = rateLimit;
      try {
        this.#onRateLimit?.(rateLimit);
      } catch {
        // An observer's failure is not the call's: the answer is still read.
      }
    }
    if (status >= 200 && status < 300) {
      const json = parseJsonBody(bodyText, call, url, status);
      for (const link of uploadLinksIn(json)) this.protectUploadLink(link);
      return json;
    }
    if (isRetry && call.okOnRetry === status) return undefined;
    throw mapErrorAnswer({
      method: call.method,
      url,
      path: call.path,
      status,
      headers: responseHeaders,
      bodyText,
      secrets,
    });
  }

  #url(call: ApiCall): string {
    const params: string[] = [];
    if (call.fields && call.fields.length > 0) {
      params.push(`fields=${call.fields.map(encodeURIComponent).join(',')}`);
    }
    for (const [key, value] of Object.entries(call.query ?? {})) {
      params.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
    }
    return `${this.apiUrl}${call.path}${params.length > 0 ? `?${params.join('&')}` : ''}`;
  }
}

function parseJsonBody(text: string, call: ApiCall, url: string, status: number): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new VimeoApiError(`${call.method} ${call.path} answered ${status} with a body that is not JSON`, {
      cause: error,
      request: summarizeRequest(call.method, url, status),
    });
  }
}

/** See `VimeoClient#withPassword`. Checked before anything is sent. */
export function passwordRule(video: VideoFields): VideoFields {
  const privacy = isPlainObject(video.privacy) ? video.privacy : undefined;
  const view = privacy?.view;
  const { password } = video;
  if (password !== undefined && (typeof password !== 'string' || password === '')) {
    throw new ConfigError('The video password must be a non-empty string');
  }
  if (password !== undefined) {
    if (view !== undefined && view !== 'password') {
      throw new ConfigError(
        `A video password applies only to privacy.view "password" (got "${String(view)}"): drop one of them`,
      );
    }
    return view === 'password' ? video : { ...video, privacy: { ...privacy, view: 'password' } };
  }
  if (view === 'password') {
    throw new ConfigError(
      'privacy.view "password" needs the password viewers will type: give `password` ' +
        '(the CLI: --password VALUE or VIMEO_VIDEO_PASSWORD)',
    );
  }
  return video;
}

/** The `upload.upload_link` values of an answer (a resource, or a page of them in `data`). */
function uploadLinksIn(json: unknown): string[] {
  if (!isPlainObject(json)) return [];
  const items = Array.isArray(json.data) ? json.data : [json];
  const links: string[] = [];
  for (const item of items) {
    const upload = isPlainObject(item) ? item.upload : undefined;
    const link = isPlainObject(upload) ? upload.upload_link : undefined;
    if (typeof link === 'string' && link !== '') links.push(link);
  }
  return links;
}

function mayRetry(error: VimeoTusError, method: ApiMethod): boolean {
  if (method === 'GET' || method === 'PUT' || method === 'DELETE') return error.retryable;
  // A create that may have reached Vimeo is never repeated: it could make a second video. Even a
  // 503 may come from an edge or load balancer after Vimeo made the video. A 429 is Vimeo's own
  // refusal (nothing made); refused or unresolvable connections never sent anything.
  if (error.status === 429) return true;
  return (
    error instanceof NetworkError && (error as NetworkError & { nothingSent?: boolean }).nothingSent === true
  );
}

/** The policy without its `undefined` fields (so that they do not hide the defaults). */
function definedOnly(policy: RetryPolicy | undefined): RetryPolicy {
  return Object.fromEntries(Object.entries(policy ?? {}).filter(([, v]) => v !== undefined));
}

function combine(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (a && b) return AbortSignal.any([a, b]);
  return a ?? b;
}

function assertSize(sizeBytes: number): void {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) {
    throw new ConfigError(`upload size must be a positive whole number of bytes, got ${sizeBytes}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
