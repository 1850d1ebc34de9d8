// TEMPORARY type-only stub of the tus branch's src/tus/transfer.ts (per briefs/transfer-api.md).
// Deleted by the engine branch when it merges `tus`.
import type { FileSnapshot } from '../sources/file-source.js';
import type { RetryEvent, RetryPolicy } from '../upload/types.js';

export interface TransferOptions {
  readonly uploadUrl: string;
  readonly file: FileSnapshot;
  readonly chunkSizeBytes?: number;
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
  readonly stallTimeoutMs?: number;
  readonly onProgress?: (p: { bytesSent: number; bytesAcked: number }) => void;
  readonly onRetry?: (e: RetryEvent) => void;
  readonly onAcked?: (offset: number) => void | Promise<void>;
}
export interface TransferResult {
  uploadOffset: number;
  uploadLength: number;
  bytesSent: number;
  requests: number;
  retries: number;
}
export function runTransfer(options: TransferOptions): Promise<TransferResult>;
export function probeOffset(
  uploadUrl: string,
  options?: { signal?: AbortSignal; stallTimeoutMs?: number },
): Promise<{ offset: number; length: number }>;
