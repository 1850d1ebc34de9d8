/**
 * The rules every ledger backend applies to records: what a valid record is, and how a patch is
 * merged (ackedBytes never decreases, updatedAt never goes back). Shared so backends agree.
 */
import { LedgerError } from '../errors.js';
import type { NewUploadRecord, UploadKey, UploadRecord, UploadRecordPatch, UploadState } from './types.js';

/** Every state, in life order (`failed` last). */
export const UPLOAD_STATES: readonly UploadState[] = [
  'creating',
  'uploading',
  'uploaded',
  'verified',
  'processed',
  'failed',
];

/** States after which there is nothing left to upload. */
export const FINISHED_STATES: readonly UploadState[] = ['verified', 'processed'];

/** True when the record still has something to do (what `vimeo-tus resume` may continue). */
export function isUnfinished(record: Pick<UploadRecord, 'state'>): boolean {
  return !FINISHED_STATES.includes(record.state);
}

/** True when the record is of this file, API and account. */
export function hasKey(record: UploadRecord, key: UploadKey): boolean {
  return (
    record.filePath === key.filePath && record.apiUrl === key.apiUrl && record.accountUri === key.accountUri
  );
}

type Field = keyof NewUploadRecord;

const NON_NEGATIVE_INTEGERS: readonly Field[] = ['fileSize', 'ackedBytes'];
const REQUIRED_STRINGS: readonly Field[] = ['filePath', 'fingerprint', 'apiUrl', 'accountUri'];
const NULLABLE_STRINGS: readonly Field[] = [
  'videoName',
  'videoUri',
  'videoLink',
  'uploadLink',
  'errorCode',
  'errorMessage',
];

function fail(field: string, rule: string, value: unknown): never {
  const shown = typeof value === 'string' ? 'a string' : String(value);
  throw new LedgerError(`Invalid ledger record: ${field} must be ${rule} (got ${shown})`);
}

function checkField(field: Field, value: unknown): void {
  if (NON_NEGATIVE_INTEGERS.includes(field)) {
    if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
      fail(field, 'a non-negative safe integer', value);
    }
  } else if (REQUIRED_STRINGS.includes(field)) {
    if (typeof value !== 'string' || value.length === 0) fail(field, 'a non-empty string', value);
  } else if (NULLABLE_STRINGS.includes(field)) {
    if (value !== null && typeof value !== 'string') fail(field, 'a string or null', value);
  } else if (field === 'fileMtimeMs') {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'a finite number', value);
  } else if (field === 'createRequestedAt') {
    if (value !== null && !(typeof value === 'number' && Number.isSafeInteger(value))) {
      fail(field, 'an integer (epoch ms) or null', value);
    }
  } else if (field === 'state') {
    if (!UPLOAD_STATES.includes(value as UploadState))
      fail(field, `one of ${UPLOAD_STATES.join(', ')}`, value);
  }
}

const NEW_RECORD_FIELDS: readonly Field[] = [
  ...REQUIRED_STRINGS,
  ...NON_NEGATIVE_INTEGERS,
  ...NULLABLE_STRINGS,
  'fileMtimeMs',
  'createRequestedAt',
  'state',
];

/** The fields `update` may change (the key fields filePath, apiUrl, accountUri never change). */
const PATCHABLE_FIELDS: readonly (keyof UploadRecordPatch)[] = [
  'fileSize',
  'fileMtimeMs',
  'fingerprint',
  'videoName',
  'videoUri',
  'videoLink',
  'uploadLink',
  'ackedBytes',
  'state',
  'errorCode',
  'errorMessage',
  'createRequestedAt',
];

/** A copy of exactly the known fields of a new record, checked; throws `LedgerError` if invalid. */
export function checkNewRecord(record: NewUploadRecord): NewUploadRecord {
  const out: Record<string, unknown> = {};
  for (const field of NEW_RECORD_FIELDS) {
    const value = (record as unknown as Record<string, unknown>)[field];
    checkField(field, value);
    out[field] = value;
  }
  return out as unknown as NewUploadRecord;
}

/** The patch's defined, known fields, checked; throws `LedgerError` if invalid. */
export function checkPatch(patch: UploadRecordPatch): UploadRecordPatch {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (!PATCHABLE_FIELDS.includes(field as keyof UploadRecordPatch)) {
      throw new LedgerError(`Invalid ledger patch: ${field} cannot be changed`);
    }
    checkField(field as Field, value);
    out[field] = value;
  }
  return out as UploadRecordPatch;
}

/**
 * The record after `patch`: ackedBytes is the max of old and new, updatedAt is `nowMs` but never
 * earlier than before (clocks can step back). A patch that sets a different `uploadLink` starts
 * a new tus upload (a fresh link from `POST /videos/{id}/versions`), so there ackedBytes is taken
 * from the patch as is (0 when it has none).
 */
export function mergePatch(record: UploadRecord, patch: UploadRecordPatch, nowMs: number): UploadRecord {
  const checked = checkPatch(patch);
  const newLink = checked.uploadLink !== undefined && checked.uploadLink !== record.uploadLink;
  const ackedBytes = newLink
    ? (checked.ackedBytes ?? 0)
    : Math.max(record.ackedBytes, checked.ackedBytes ?? 0);
  return { ...record, ...checked, ackedBytes, updatedAt: Math.max(nowMs, record.updatedAt) };
}
