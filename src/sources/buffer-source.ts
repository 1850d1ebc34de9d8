/**
 * Bytes already in memory (a Buffer or any Uint8Array) as an upload source: every range can be read
 * again, as views of the caller's bytes (no copy). The caller must not change them during the
 * upload: nothing here could notice. Not resumable in a later run (no ledger).
 */
import { ConfigError } from '../errors.js';
import type { UploadSource } from './source.js';
import { openViewReader } from './view-reader.js';

/** The bytes of `data`, uploaded as they are. */
export function bufferSource(data: Uint8Array): UploadSource {
  if (data.byteLength === 0) throw new ConfigError('The buffer is empty: Vimeo cannot take a 0-byte video');
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Object.freeze({
    name: undefined,
    description: `a buffer of ${bytes.length} bytes`,
    sizeBytes: bytes.length,
    openRange: async (startByte: number, endByte: number, pool?: Parameters<UploadSource['openRange']>[2]) =>
      openViewReader(
        (position, maxBytes) => bytes.subarray(position, position + maxBytes),
        startByte,
        endByte,
        pool,
      ),
    assertUnchanged: async () => undefined,
  });
}
