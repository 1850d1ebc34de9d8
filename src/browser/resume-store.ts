/// <reference lib="dom" />
/**
 * Where the browser keeps the upload link of an unfinished upload, so that a reload or a crashed
 * tab continues it: `localStorage`, under the file's identity (name, size, lastModified, type).
 * A plain `Blob` has no such identity and is not stored. Storage that throws (private mode, quota,
 * a sandboxed frame) only loses the resume, never the upload.
 */

/** What is kept of an unfinished upload. The upload link is a capability: it stays in this origin. */
export interface StoredUpload {
  readonly uploadLink: string;
  readonly videoUri: string;
  /** When the link was issued (ms since the epoch). */
  readonly storedAtMs: number;
}

/** The part of the Web Storage API used here (tests may pass their own). */
export interface ResumeStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const PREFIX = 'vimeo-tus:upload:';

/** The storage key of a file, or undefined for a Blob that is not a File. */
export function fileIdentityKey(file: Blob): string | undefined {
  if (typeof File === 'undefined' || !(file instanceof File)) return undefined;
  return PREFIX + JSON.stringify([file.name, file.size, file.lastModified, file.type]);
}

/** The default storage: the page's localStorage, if it can be used. */
export function defaultStorage(): ResumeStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/** Reads and writes the record of one file. */
export class ResumeStore {
  readonly #storage: ResumeStorage | undefined;
  readonly #key: string | undefined;

  constructor(storage: ResumeStorage | undefined, key: string | undefined) {
    this.#storage = key === undefined ? undefined : storage;
    this.#key = key;
  }

  load(): StoredUpload | undefined {
    const text = this.#try(() => this.#storage?.getItem(this.#key ?? ''));
    if (!text) return undefined;
    try {
      const value = JSON.parse(text) as Partial<StoredUpload>;
      if (typeof value.uploadLink === 'string' && typeof value.videoUri === 'string') {
        return {
          uploadLink: value.uploadLink,
          videoUri: value.videoUri,
          storedAtMs: typeof value.storedAtMs === 'number' ? value.storedAtMs : 0,
        };
      }
    } catch {
      // Not ours or damaged: start afresh.
    }
    this.forget();
    return undefined;
  }

  save(record: StoredUpload): void {
    this.#try(() => this.#storage?.setItem(this.#key ?? '', JSON.stringify(record)));
  }

  forget(): void {
    this.#try(() => this.#storage?.removeItem(this.#key ?? ''));
  }

  #try<T>(work: () => T): T | undefined {
    if (!this.#storage) return undefined;
    try {
      return work();
    } catch {
      return undefined;
    }
  }
}
