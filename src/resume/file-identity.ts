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

/** Between the content fingerprint and the stamp in the ledger's `fingerprint` field. */
const STAMP_SEPARATOR = '#';

/**
 * Fingerprints the source (a file: reads at most 2 MiB). The ledger's `fingerprint` is the content
 * fingerprint followed by `#` and the source's stamp (device, inode, change time) when it has one.
 */
export async function identify(
  source: { readonly sizeBytes: number; readonly identity: SourceIdentity },
  signal?: AbortSignal,
): Promise<FileIdentity> {
  const fp = await source.identity.fingerprint(signal);
  const { stamp } = source.identity;
  return {
    fileSize: source.sizeBytes,
    fileMtimeMs: source.identity.modifiedMs,
    fingerprint: stamp === undefined ? fp : `${fp}${STAMP_SEPARATOR}${stamp}`,
  };
}

function split(fingerprint: string): { content: string; stamp: string | undefined } {
  const at = fingerprint.indexOf(STAMP_SEPARATOR);
  return at < 0
    ? { content: fingerprint, stamp: undefined }
    : { content: fingerprint.slice(0, at), stamp: fingerprint.slice(at + 1) };
}

/**
 * True when the record describes this very file: same size, modification time, content
 * fingerprint, and (when the record has one: records of earlier versions do not) the same stamp.
 */
export function sameFile(record: UploadRecord, identity: FileIdentity): boolean {
  const recorded = split(record.fingerprint);
  const now = split(identity.fingerprint);
  return (
    record.fileSize === identity.fileSize &&
    record.fileMtimeMs === identity.fileMtimeMs &&
    recorded.content === now.content &&
    (recorded.stamp === undefined || recorded.stamp === now.stamp)
  );
}

/** What differs, in words, for the "file modified" message. */
export function describeChange(record: UploadRecord, identity: FileIdentity): string {
  if (record.fileSize !== identity.fileSize) {
    return `its size changed from ${record.fileSize} to ${identity.fileSize} bytes`;
  }
  const recorded = split(record.fingerprint);
  const now = split(identity.fingerprint);
  if (recorded.content !== now.content) return 'its content changed';
  if (record.fileMtimeMs !== identity.fileMtimeMs) return 'its modification time changed';
  return (
    'it was written to, replaced or had its permissions changed since (its change time, inode or ' +
    'device differs, even if its modification time was put back)'
  );
}
