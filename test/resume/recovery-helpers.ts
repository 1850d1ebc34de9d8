/**
 * Setups shared by the recovery tests: a record as a run killed inside its create call leaves
 * it, and waiting (by polling the sandbox, not by a timed sleep) for upload links to expire.
 */
import { basename } from 'node:path';
import type { Ledger, UploadRecord } from '../../src/ledger/types.js';
import { identify } from '../../src/resume/file-identity.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { inspectFile } from '../../src/sources/file-source.js';
import { VimeoClient } from '../../src/vimeo/client.js';
import type { TestFile } from '../e2e/helpers/engine-helpers.js';

/** Resolves once every video's current upload link is past its TTL. */
export async function untilExpired(box: Sandbox): Promise<void> {
  for (;;) {
    const state = await box.state({ hashes: false });
    if (state.videos.every((v) => v.expired)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A `creating` record without a video, as a run killed inside `POST /me/videos` leaves it. */
export async function crashedCreateRecord(
  box: Sandbox,
  db: Ledger,
  file: TestFile,
  createRequestedAt: number,
): Promise<UploadRecord> {
  const client = new VimeoClient({ token: box.token, apiUrl: box.apiUrl });
  const me = await client.getMe();
  const snapshot = await inspectFile(file.path);
  return db.insert({
    filePath: snapshot.realPath,
    ...(await identify(snapshot)),
    apiUrl: client.apiUrl,
    accountUri: me.uri,
    videoName: basename(file.path),
    videoUri: null,
    videoLink: null,
    uploadLink: null,
    ackedBytes: 0,
    state: 'creating',
    errorCode: null,
    errorMessage: null,
    createRequestedAt,
  });
}
