/**
 * A stream of a declared size (a Node `Readable`, a web `ReadableStream`, any async iterable of
 * bytes) as an upload source. A stream is read once, so the bytes of the PATCH in flight are kept
 * in memory until the server acknowledged them: after a failure the transfer reads them again from
 * memory, at the server's offset (resumable within the run). They are dropped as soon as a later
 * PATCH starts past them, so memory stays within one PATCH (`chunkSizeBytes`, which must therefore
 * be finite) plus one piece of the stream. Not resumable in a later run: the ledger refuses it.
 */
import { ConfigError, FileError } from '../errors.js';
import type { UploadSource } from './source.js';
import { openViewReader } from './view-reader.js';

/** A stream and the number of bytes it will deliver (tus declares the length up front). */
export interface StreamInput {
  readonly stream: AsyncIterable<Uint8Array>;
  /** Exactly how many bytes the stream delivers. */
  readonly sizeBytes: number;
  /** The default video name (as a file's base name would be). */
  readonly name?: string;
}

const DESCRIPTION = 'the stream';

/**
 * The stream of `input` as a source, for PATCHes of at most `chunkSizeBytes`.
 * @throws ConfigError for a size that is not a positive whole number, or an unbounded chunk size.
 */
export function streamSource(input: StreamInput, chunkSizeBytes: number): UploadSource {
  const { sizeBytes } = input;
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) {
    throw new ConfigError(
      `A stream needs its size: sizeBytes must be a positive whole number (got ${sizeBytes})`,
    );
  }
  if (!Number.isFinite(chunkSizeBytes)) {
    throw new ConfigError(
      'A stream needs a finite chunkSizeBytes: the bytes of one PATCH are kept in memory until the server acknowledged them',
    );
  }
  if (input.stream === null || typeof input.stream !== 'object' || !(Symbol.asyncIterator in input.stream)) {
    throw new ConfigError('stream must be a Readable, a ReadableStream or an async iterable of bytes');
  }
  const iterator = input.stream[Symbol.asyncIterator]();
  /** Pieces the stream delivered and that may still be needed, in order, from `keptFromByte`. */
  const kept: Buffer[] = [];
  let keptFromByte = 0;
  /** One past the last byte the stream delivered. */
  let deliveredBytes = 0;
  let finished = false;

  /** Reads the stream on until it has delivered byte `position`. */
  const deliverUpTo = async (position: number): Promise<void> => {
    while (deliveredBytes <= position) {
      const next = await iterator.next().catch((error: unknown) => {
        throw new FileError('E_FILE_UNREADABLE', DESCRIPTION, `Cannot read the stream (${describe(error)})`, {
          cause: error,
        });
      });
      if (next.done) {
        finished = true;
        throw new FileError(
          'E_FILE_CHANGED',
          DESCRIPTION,
          `The stream ended after ${deliveredBytes} bytes, before its declared ${sizeBytes}`,
        );
      }
      if (!(next.value instanceof Uint8Array)) {
        throw new ConfigError('The stream delivered text, not bytes: do not set an encoding on it');
      }
      const piece = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      deliveredBytes += piece.length;
      if (deliveredBytes > sizeBytes) {
        throw new FileError(
          'E_FILE_CHANGED',
          DESCRIPTION,
          `The stream delivers more than its declared ${sizeBytes} bytes: give its exact size`,
        );
      }
      kept.push(piece);
    }
  };

  /** Forgets the kept pieces that end at or before `position`. */
  const dropBefore = (position: number): void => {
    while (kept.length > 0 && keptFromByte + (kept[0]?.length ?? 0) <= position) {
      keptFromByte += kept.shift()?.length ?? 0;
    }
  };

  const pieceAt = async (position: number, maxBytes: number): Promise<Buffer> => {
    if (position < keptFromByte) throw readAgainError(position, keptFromByte);
    await deliverUpTo(position);
    let start = keptFromByte;
    for (const piece of kept) {
      if (position < start + piece.length) {
        const offset = position - start;
        return piece.subarray(offset, offset + maxBytes);
      }
      start += piece.length;
    }
    throw new Error(`byte ${position} was delivered but not kept`); // a bug: deliverUpTo keeps it
  };

  return {
    maxChunkBytes: chunkSizeBytes,
    name: input.name,
    description: DESCRIPTION,
    sizeBytes,
    openRange: async (startByte, endByte, pool) => {
      if (startByte < keptFromByte) throw readAgainError(startByte, keptFromByte);
      // The server holds everything before startByte: a later try never starts earlier.
      dropBefore(startByte);
      return openViewReader(pieceAt, startByte, endByte, pool);
    },
    assertUnchanged: async () => undefined,
    close: async () => {
      kept.length = 0;
      if (!finished) await iterator.return?.().catch(() => undefined);
    },
  };
}

function readAgainError(position: number, keptFromByte: number): FileError {
  return new FileError(
    'E_FILE_UNREADABLE',
    DESCRIPTION,
    `The upload host asks for byte ${position} again, but the stream was read past it (bytes before ` +
      `${keptFromByte} were acknowledged and dropped): a stream cannot be read twice; upload it again`,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
