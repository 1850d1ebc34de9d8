/**
 * The source port: where the bytes of an upload come from. The engine (src/upload, src/tus) reads
 * only through it; each kind of input is an adapter in this folder (a file, a buffer, a stream), and
 * another one (an http(s) URL read with Range requests) plugs in without touching the engine.
 */
import type { BufferPool, RangeReader } from './range-reader.js';

/** The bytes of one upload. */
export interface UploadSource {
  /** What the source is called: a file's base name (the default video name); undefined when unnamed. */
  readonly name: string | undefined;
  /** How to name it in messages (a file's absolute path, `a stream`, `a buffer`). Never a secret. */
  readonly description: string;
  /** Every byte the upload will have (tus declares `Upload-Length` when the video is created). */
  readonly sizeBytes: number;
  /** The file's absolute path, when the source is a file (for `UploadResult.filePath`). */
  readonly path?: string;
  /**
   * The bytes [startByte, endByte) as pieces, at most `pool.maxBuffers` lent at once (each handed
   * back with `release` once the socket took it). Called again at the server's offset after any
   * failure, so a source must serve any range that starts at or after the start of the last one
   * it served (a file or a buffer serves any range).
   * @throws FileError when the bytes cannot be read, or end before `endByte` (E_FILE_CHANGED).
   */
  openRange(startByte: number, endByte: number, pool?: BufferPool): Promise<RangeReader>;
  /**
   * Checks that the bytes are still the ones measured (before each PATCH, and after the last one).
   * @throws FileError E_FILE_CHANGED (or E_FILE_NOT_FOUND) when they are not.
   */
  assertUnchanged(): Promise<void>;
  /**
   * The largest PATCH this source serves without holding more than it should: a stream keeps the
   * bytes of the PATCH in flight in memory, so the default chunk policy grows no further. Absent:
   * no limit (a file, a buffer).
   */
  readonly maxChunkBytes?: number;
  /** Present when a later run can read the same bytes again (a file): what the ledger keys and compares. */
  readonly identity?: SourceIdentity;
  /** Releases what the source holds (a stream it reads). Called once, when the upload ends. */
  close?(): Promise<void>;
}

/** How a later run recognises the same bytes. */
export interface SourceIdentity {
  /** Stable across runs and processes: a file's real path (a URL for a URL source). The ledger's key. */
  readonly key: string;
  /** A version stamp compared on resume: a file's modification time, in ms. */
  readonly modifiedMs: number;
  /** A cheap content fingerprint (a file: SHA-256 of its size, first and last MiB). */
  fingerprint(signal?: AbortSignal): Promise<string>;
  /**
   * What no one restores by hand, when the source has it (a file: its device, inode and status
   * change time, `d<dev>i<ino>c<ctime ns>`): an edit in place whose modification time was put back
   * (`touch -r`), or a file replaced by another, changes it. Compared on resume with the rest.
   */
  readonly stamp?: string;
}
