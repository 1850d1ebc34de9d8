// TEMPORARY type-only stub of the tus branch's src/sources/file-source.ts (per briefs/transfer-api.md).
// Deleted by the engine branch when it merges `tus`.
export interface FileSnapshot {
  readonly path: string;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
}
export function inspectFile(path: string): Promise<FileSnapshot>;
export function assertUnchanged(snapshot: FileSnapshot): Promise<void>;
