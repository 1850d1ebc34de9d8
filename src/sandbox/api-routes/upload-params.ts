/**
 * Validation of the `upload` object of create and version requests (tus only; a positive integer
 * size), and creation of the tus upload behind it.
 */
import { Upload } from '@tus/server';
import type { SandboxContext } from '../context.js';
import { ApiError, vimeoError } from '../errors-body.js';
import { objectField } from '../http-util.js';
import type { UploadRecord } from '../state-store.js';

/** Read `upload.approach` (must be tus) and `upload.size` (positive integer, number or string). */
export function parseUploadParams(body: Record<string, unknown>): { sizeBytes: number } {
  const upload = objectField(body, 'upload');
  const approach = upload?.approach;
  if (approach !== 'tus') {
    throw new ApiError(
      400,
      vimeoError(
        2230,
        'The upload approach is invalid.',
        `The sandbox supports only upload.approach "tus"; got ${JSON.stringify(approach ?? null)}.`,
      ),
    );
  }
  const raw = upload?.size;
  const sizeBytes = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof sizeBytes !== 'number' || !Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) {
    const message = 'upload.size must be a positive integer number of bytes.';
    throw new ApiError(
      400,
      vimeoError(2204, 'You have provided an invalid parameter.', message, [
        { field: 'upload.size', error_code: 2204, error: 'The size is invalid.', developer_message: message },
      ]),
    );
  }
  return { sizeBytes };
}

/** Create the empty tus upload for `record` in the FileStore. */
export async function createTusUpload(
  ctx: SandboxContext,
  record: UploadRecord,
  fileName: string,
): Promise<void> {
  await ctx.tusStore.create(
    new Upload({
      id: record.uploadId,
      size: record.sizeBytes,
      offset: 0,
      metadata: { filename: fileName, user: ctx.store.userId, upload_attempt_id: record.uploadId },
      creation_date: new Date(record.issuedAtMs).toISOString(),
    }),
  );
}

/**
 * The answer `resource` of a create or version call, with its `upload.upload_link` replaced by a
 * link to the foreign host when the `foreignUploadLinks` fault hits request `n` of `kind`.
 */
export async function withForeignLinkIfFaulted(
  ctx: SandboxContext,
  kind: 'create' | 'version',
  n: number,
  resource: Record<string, unknown>,
  sizeBytes: number,
): Promise<Record<string, unknown>> {
  if (!ctx.faults.foreignLink(kind, n)) return resource;
  const upload = objectField(resource, 'upload') ?? {};
  return { ...resource, upload: { ...upload, upload_link: await ctx.foreign.createUpload(sizeBytes) } };
}
