/// <reference lib="dom" />
/**
 * `uploadFile`: one file from the browser to Vimeo's upload host. The upload link comes from the
 * app's server (the `ticket` function); the token never reaches the page. The transfer is the
 * shared tus loop (src/tus/transfer-loop.ts) with XMLHttpRequest ports; the link is remembered
 * under the file's identity until a HEAD shows the upload complete, so a reload continues it; a
 * dead link asks for a new version of the same video.
 */
import { HandleGuard } from '../core/handle-guard.js';
import { withRetries } from '../core/with-retries.js';
import {
  ConfigError,
  FileError,
  ListenerError,
  TusError,
  VerificationError,
  VimeoTusError,
} from '../errors.js';
import { checkTransferSettings, runTransferLoop } from '../tus/transfer-loop.js';
import { parseUploadUrl } from '../tus/upload-url.js';
import { defaultStorage, fileIdentityKey, ResumeStore, type StoredUpload } from './resume-store.js';
import type {
  BrowserUpload,
  Ticket,
  UploadFileEvents,
  UploadFileOptions,
  UploadFileResult,
} from './types.js';
import { probeWithXhr, xhrPorts } from './xhr-ports.js';

/** Dead links replaced by new versions within one call before giving up. */
const MAX_NEW_VERSIONS = 2;

type Listener = (payload: never) => void;

/**
 * Upload `file` (a `File` or `Blob`) to the upload link the app's server gives.
 * @example
 * const upload = uploadFile(input.files[0], {
 *   ticket: async (request) => (await fetch('/upload-ticket', { method: 'POST', body: JSON.stringify(request) })).json(),
 *   onProgress: (p) => console.log(p.bytesAcked, '/', p.bytesTotal),
 * });
 * const { videoUri } = await upload.done;
 */
export function uploadFile(file: Blob, options: UploadFileOptions): BrowserUpload {
  return new BrowserUploadHandle(file, options);
}

class BrowserUploadHandle implements BrowserUpload {
  readonly done: Promise<UploadFileResult>;
  readonly #listeners = new Map<keyof UploadFileEvents, Set<Listener>>();
  readonly #guard = new HandleGuard();
  #videoUri: string | undefined;

  constructor(file: Blob, options: UploadFileOptions) {
    const signal = this.#guard.signalWith(options.signal);
    this.done = Promise.resolve()
      .then(() => this.#run(file, options, signal))
      .then((result) => {
        this.#emit('verified', result);
        if (this.#guard.listenerError) throw this.#guard.listenerError;
        return result;
      })
      .catch((error: unknown) => {
        throw this.#fail(error, options.signal);
      });
    this.done.catch(() => undefined);
  }

  get videoUri(): string | undefined {
    return this.#videoUri;
  }

  on<E extends keyof UploadFileEvents>(event: E, listener: (payload: UploadFileEvents[E]) => void): this {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener);
    return this;
  }

  off<E extends keyof UploadFileEvents>(event: E, listener: (payload: UploadFileEvents[E]) => void): this {
    this.#listeners.get(event)?.delete(listener as Listener);
    return this;
  }

  /** Calls the listeners of `event`; one that throws stops the upload (ListenerError). */
  #emit<E extends keyof UploadFileEvents>(event: E, payload: UploadFileEvents[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      this.#guard.deliver(event, () => (listener as (value: UploadFileEvents[E]) => void)(payload));
    }
  }

  #fail(error: unknown, callerSignal: AbortSignal | undefined): unknown {
    const typed = this.#guard.failure(error, callerSignal, {
      ...(this.#videoUri === undefined ? {} : { videoUri: this.#videoUri }),
    });
    if (typed instanceof VimeoTusError) this.#emit('error', typed);
    return typed;
  }

  async #run(file: Blob, options: UploadFileOptions, signal: AbortSignal): Promise<UploadFileResult> {
    const sizeBytes = checkFile(file);
    if (typeof options.ticket !== 'function') {
      throw new ConfigError('uploadFile needs a ticket function that returns { uploadLink, videoUri }');
    }
    const limits = checkTransferSettings(
      {
        ...(options.chunkSizeBytes === undefined ? {} : { chunkSizeBytes: options.chunkSizeBytes }),
        ...(options.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: options.stallTimeoutMs }),
      },
      sizeBytes,
    );
    const store = new ResumeStore(
      options.storage === null ? undefined : (options.storage ?? defaultStorage()),
      fileIdentityKey(file),
    );
    const name = file instanceof File ? file.name : '';
    const askTicket = async (replace?: string): Promise<StoredUpload> => {
      const ticket = await callTicket(options.ticket, {
        size: sizeBytes,
        name,
        type: file.type,
        ...(replace === undefined ? {} : { replace }),
      });
      const record = { ...ticket, storedAtMs: Date.now() };
      store.save(record);
      this.#emit('ticket', { videoUri: ticket.videoUri, ...(replace === undefined ? {} : { replace }) });
      return record;
    };

    let target = store.load();
    // A link just issued holds no byte yet: the first PATCH goes without a HEAD.
    let knownOffset: number | undefined;
    if (target) {
      this.#videoUri = target.videoUri;
      this.#emit('resumed', { videoUri: target.videoUri });
    } else {
      target = await askTicket();
      knownOffset = 0;
    }
    let sentBefore = 0;
    for (let newVersions = 0; ; newVersions++) {
      this.#videoUri = target.videoUri;
      const url = parseUploadUrl(target.uploadLink);
      let sentNow = 0;
      try {
        await runTransferLoop({
          url,
          sizeBytes,
          limits,
          ports: xhrPorts(url, file, limits.stallTimeoutMs),
          signal,
          ...(options.retry ? { retry: options.retry } : {}),
          ...(knownOffset === undefined ? {} : { knownOffset }),
          onProgress: (p) => {
            sentNow = p.bytesSent;
            const progress = {
              bytesSent: sentBefore + p.bytesSent,
              bytesAcked: p.bytesAcked,
              bytesTotal: sizeBytes,
            };
            options.onProgress?.(progress);
            this.#emit('progress', progress);
          },
          onRetry: (event) => this.#emit('retry', event),
        });
        const result = await this.#verify(
          url,
          target.videoUri,
          sizeBytes,
          limits.stallTimeoutMs,
          options,
          signal,
        );
        store.forget();
        return result;
      } catch (error) {
        const dead = error instanceof TusError && error.code === 'E_UPLOAD_LINK_GONE';
        if (!dead || signal.aborted || newVersions >= MAX_NEW_VERSIONS) throw error;
        sentBefore += sentNow;
        this.#emit('new-version', { videoUri: target.videoUri });
        target = await askTicket(target.videoUri);
        knownOffset = 0;
      }
    }
  }

  /** The end check: a HEAD (retried like any other) must show every byte of the file. */
  async #verify(
    url: URL,
    videoUri: string,
    sizeBytes: number,
    stallTimeoutMs: number,
    options: UploadFileOptions,
    signal: AbortSignal,
  ): Promise<UploadFileResult> {
    const state = await withRetries(() => probeWithXhr(url, stallTimeoutMs, signal), {
      signal,
      retry: options.retry,
      onRetry: (event) => this.#emit('retry', event),
    });
    if (state.offset !== sizeBytes || state.length !== sizeBytes) {
      throw new VerificationError(
        'E_VERIFY_FAILED',
        `The upload host holds ${state.offset} of ${state.length} bytes, but the file has ${sizeBytes}: ` +
          'the upload is not complete',
      );
    }
    return { videoUri, uploadOffset: state.offset, uploadLength: state.length };
  }
}

/** The file's size, once checked: a Blob with at least one byte. */
function checkFile(file: Blob): number {
  if (typeof Blob === 'undefined' || !(file instanceof Blob)) {
    throw new ConfigError('uploadFile takes a File or a Blob');
  }
  const name = file instanceof File ? file.name : '(blob)';
  if (file.size === 0) {
    throw new FileError('E_FILE_EMPTY', name, `${name} is empty: Vimeo cannot take a file of 0 bytes`);
  }
  return file.size;
}

/** Calls the app's ticket function and checks its answer; what it throws is a ListenerError. */
async function callTicket(
  ticket: UploadFileOptions['ticket'],
  request: Parameters<UploadFileOptions['ticket']>[0],
): Promise<Ticket> {
  let answer: Partial<Ticket> | undefined;
  try {
    answer = await ticket(request);
  } catch (error) {
    throw new ListenerError('ticket', error);
  }
  const uploadLink = answer?.uploadLink;
  const videoUri = answer?.videoUri;
  if (typeof uploadLink !== 'string' || typeof videoUri !== 'string' || !/^\/videos\/\d+$/.test(videoUri)) {
    throw new ConfigError(
      'The ticket function must return { uploadLink, videoUri } (videoUri like /videos/123)',
    );
  }
  parseUploadUrl(uploadLink);
  return { uploadLink, videoUri };
}
