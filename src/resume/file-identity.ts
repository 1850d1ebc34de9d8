/**
 * What the ledger remembers of a source to tell whether it is still the same one: size,
 * modification time and the cheap content fingerprint (the source's identity, src/sources).
 */

import type { UploadRecord } from '../ledger/types.js';
import type { SourceIdentity } from '../sources/source.js';

/** A file's identity as the ledger stores it. */
export interface FileIdentity {
  readonly fileSize: number;
  readonly fileMtimeMs: number;
  readonly fingerprint: string;
}

/** Fingerprints the source (a file: reads at most 2 MiB). */
export async function identify(
  source: { readonly sizeBytes: number; readonly identity: SourceIdentity },
  signal?: AbortSignal,
): Promise<FileIdentity> {
  const fp = await source.identity.fingerprint(signal);
  return { fileSize: source.sizeBytes, fileMtimeMs: source.identity.modifiedMs, fingerprint: fp };
}

/** True when the record describes this very file (same size, modification time and fingerprint). */
export function sameFile(record: UploadRecord, identity: FileIdentity): boolean {
  return (
    record.fileSize === identity.fileSize &&
    record.fileMtimeMs === identity.fileMtimeMs &&
    record.fingerprint === identity.fingerprint
  );
}

/** What differs, in words, for the "file modified" message. */
export function describeChange(record: UploadRecord, identity: FileIdentity): string {
  if (record.fileSize !== identity.fileSize) {
    return `its size changed from ${record.fileSize} to ${identity.fileSize} bytes`;
  }
  if (record.fingerprint !== identity.fingerprint) return 'its content changed';
  return 'its modification time changed';
}
