/**
 * "Verified" means Vimeo holds every byte (issue 11): after the final HEAD, the API must agree
 * (`upload.size` equal to the file size, `upload.status` complete), polled for a bounded time; the
 * top-level `status` is read; the result says which checks passed. Real HTTP against the sandbox.
 * Waits are bounded by a short `verifyTimeoutMs`, never the 2-minute default.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createUpload, uploadVideo } from '../../src/entry/create-upload.js';
import { VerificationError, VimeoApiError, type VimeoTusError } from '../../src/errors.js';
import { MemoryLedger } from '../../src/ledger/index.js';
import type { VideoOutcome } from '../../src/sandbox/index.js';
import { confirmUpload } from '../../src/server/confirm-upload.js';
import type { UploadResult } from '../../src/upload/types.js';
import { verifyUpload } from '../../src/upload/verify.js';
import { VimeoClient } from '../../src/vimeo/client.js';
import { randomFile, rejection } from './helpers/engine-helpers.js';
import { useEngineSandbox } from './helpers/use-engine-sandbox.js';

const t = useEngineSandbox();

describe('the API must agree before anything is verified', () => {
  it('a create answer naming a foreign tus host: the host says complete, Vimeo never does → E_VERIFY_UNCONFIRMED', async () => {
    const sandbox = await t.start({ faults: { foreignUploadLinks: [{ kind: 'create' }] } });
    const file = await randomFile(t.dir, 'clip.mp4', 20_000);
    const error = await rejection(
      uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl, verifyTimeoutMs: 300 }),
    );
    expect(error).toBeInstanceOf(VerificationError);
    expect(error.code).toBe('E_VERIFY_UNCONFIRMED');
    expect(error.message).toContain('upload.status is "in_progress", not "complete"');
    expect(error.message).toContain('Not verified');
    const state = await sandbox.state();
    expect(error.videoUri).toBe(state.videos[0]?.uri);
    expect(state.videos[0]?.storedBytes).toBe(0);
    expect(state.foreignUploads[0]?.storedBytes).toBe(20_000);
  });

  it('a resumed run whose HEAD lies (all bytes reported, half stored) sends nothing and is not verified', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', 40_000);
    const client = new VimeoClient({ token: sandbox.token, apiUrl: sandbox.apiUrl });
    const created = await client.createVideo({ sizeBytes: file.sizeBytes, video: { name: 'clip' } });
    const bytes = await readFile(file.path);
    const half = await fetch(created.uploadLink, {
      method: 'PATCH',
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
      },
      body: bytes.subarray(0, 20_000),
    });
    expect(half.status).toBe(204);
    sandbox.setFaults({ lyingHeads: [{ count: Number.POSITIVE_INFINITY, afterBytes: 1 }] });
    const error = await rejection(
      uploadVideo(file.path, {
        token: sandbox.token,
        apiUrl: sandbox.apiUrl,
        resume: { videoUri: created.videoUri, uploadLink: created.uploadLink },
        verifyTimeoutMs: 300,
      }),
    );
    expect(error.code).toBe('E_VERIFY_UNCONFIRMED');
    expect((await sandbox.state()).videos[0]?.storedBytes).toBe(20_000);
  });

  it('upload.status held in_progress: unconfirmed, the ledger record kept; a rerun checks again and verifies without sending', async () => {
    const sandbox = await t.start({ uploadCompleteDelayMs: Number.POSITIVE_INFINITY });
    const file = await randomFile(t.dir, 'clip.mp4', 30_000);
    const ledger = new MemoryLedger();
    const options = { token: sandbox.token, apiUrl: sandbox.apiUrl, ledger, verifyTimeoutMs: 300 };
    const error = await rejection(uploadVideo(file.path, options));
    expect(error.code).toBe('E_VERIFY_UNCONFIRMED');
    expect(error.message).toContain('upload.status is "in_progress"');
    const [record] = await ledger.list();
    expect(record).toMatchObject({ state: 'uploaded', errorCode: 'E_VERIFY_UNCONFIRMED' });
    expect(record?.videoUri).toBe(error.videoUri);

    // Vimeo catches up: the same call checks again, sends nothing, and only now says verified.
    sandbox.setOptions({ uploadCompleteDelayMs: 0 });
    const result = await uploadVideo(file.path, options);
    expect(result.videoUri).toBe(error.videoUri);
    expect(result.bytesSent).toBe(0);
    expect(result.uploadStatus).toBe('complete');
    expect(result.checks).toEqual({ headOffsets: true, apiSize: true, apiUploadStatus: true });
    expect((await ledger.list())[0]).toMatchObject({ state: 'verified', errorCode: null });
    const state = await sandbox.state();
    expect(state.videos).toHaveLength(1);
    expect(state.videos[0]?.sha256).toBe(file.sha256);
  });

  it('Vimeo flips upload.status a moment after the last byte: polled until it agrees, then verified', async () => {
    const sandbox = await t.start({ uploadCompleteDelayMs: 700 });
    const file = await randomFile(t.dir, 'clip.mp4', 10_000);
    const result = await uploadVideo(file.path, {
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      verifyTimeoutMs: 30_000,
    });
    expect(result.uploadStatus).toBe('complete');
    expect(result.checks).toEqual({ headOffsets: true, apiSize: true, apiUploadStatus: true });
    const state = await sandbox.state({ hashes: false });
    expect(state.counters.requests['get-video'] ?? 0).toBeGreaterThan(1);
  });
});

describe("Vimeo's top-level status is read", () => {
  const cases: [VideoOutcome, string, new (...args: never[]) => VimeoTusError][] = [
    ['quota_exceeded', 'E_QUOTA', VimeoApiError],
    ['total_cap_exceeded', 'E_QUOTA', VimeoApiError],
    ['uploading_error', 'E_VERIFY_FAILED', VerificationError],
    ['transcoding_error', 'E_PROCESSING_FAILED', VerificationError],
  ];
  it.each(cases)('%s → %s, never a success', async (outcome, code, type) => {
    const sandbox = await t.start({ videoOutcome: outcome, uploadCompleteDelayMs: 0, transcodeDelayMs: 0 });
    const file = await randomFile(t.dir, 'clip.mp4', 10_000);
    const error = await rejection(
      uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl, verifyTimeoutMs: 5_000 }),
    );
    expect(error).toBeInstanceOf(type);
    expect(error.code).toBe(code);
    expect(error.message).toContain(outcome === 'uploading_error' ? 'failed' : outcome.split('_')[0]);
    expect(error.message).toMatch(/vimeo-tus replace \/videos\/\d+ FILE/);
    expect(error.videoUri).toBe((await sandbox.state()).videos[0]?.uri);
  });

  it('transcoding_error seen while waiting for processing is E_PROCESSING_FAILED too', async () => {
    const sandbox = await t.start({
      videoOutcome: 'transcoding_error',
      uploadCompleteDelayMs: 0,
      transcodeDelayMs: 200,
    });
    const file = await randomFile(t.dir, 'clip.mp4', 10_000);
    const error = await rejection(
      uploadVideo(file.path, {
        token: sandbox.token,
        apiUrl: sandbox.apiUrl,
        waitForProcessing: { pollIntervalMs: 20, timeoutMs: 10_000 },
      }),
    );
    expect(error.code).toBe('E_PROCESSING_FAILED');
  });
});

describe('the verified event and the result say which checks passed', () => {
  it('HEAD offsets, API size and API upload status', async () => {
    const sandbox = await t.start();
    const file = await randomFile(t.dir, 'clip.mp4', 10_000);
    const upload = createUpload(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl });
    const events: UploadResult[] = [];
    upload.on('verified', (result) => events.push(result));
    const result = await upload.done;
    expect(result.checks).toEqual({ headOffsets: true, apiSize: true, apiUploadStatus: true });
    expect(events).toHaveLength(1);
    expect(events[0]?.checks).toEqual(result.checks);
  });

  it('a link gone at the final HEAD: headOffsets false, the API checks true', async () => {
    const sandbox = await t.start({ faults: { linkDiesOnCompletion: true } });
    const file = await randomFile(t.dir, 'clip.mp4', 10_000);
    const result = await uploadVideo(file.path, { token: sandbox.token, apiUrl: sandbox.apiUrl });
    expect(result.headUnavailable).toBe(true);
    expect(result.checks).toEqual({ headOffsets: false, apiSize: true, apiUploadStatus: true });
  });
});

describe('the one verification, for bytes someone else sent (confirmUpload, verifyUpload)', () => {
  async function sentByOthers(sizeBytes: number): Promise<{ videoUri: string }> {
    const client = new VimeoClient({ token: t.sandbox.token, apiUrl: t.sandbox.apiUrl });
    const created = await client.createVideo({ sizeBytes, video: { name: 'browser' } });
    const answer = await fetch(created.uploadLink, {
      method: 'PATCH',
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
      },
      body: Buffer.alloc(sizeBytes, 7),
    });
    expect(answer.status).toBe(204);
    return { videoUri: created.videoUri };
  }

  it('waits for Vimeo to agree, then confirms; verifyUpload alone reads once', async () => {
    const sandbox = await t.start({ uploadCompleteDelayMs: 600 });
    const { videoUri } = await sentByOthers(5000);
    const once = await verifyUpload({
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      videoUri,
      expectedSizeBytes: 5000,
    });
    expect(once.complete).toBe(false);
    expect(once.checks).toEqual({ headOffsets: true, apiSize: true, apiUploadStatus: false });
    const report = await confirmUpload({
      token: sandbox.token,
      apiUrl: sandbox.apiUrl,
      videoUri,
      size: 5000,
    });
    expect(report.complete).toBe(true);
    expect(report.checks).toEqual({ headOffsets: true, apiSize: true, apiUploadStatus: true });
  });

  it('Vimeo never agrees: E_VERIFY_UNCONFIRMED saying what it reports', async () => {
    const sandbox = await t.start({ uploadCompleteDelayMs: Number.POSITIVE_INFINITY });
    const { videoUri } = await sentByOthers(5000);
    const error = await rejection(
      confirmUpload({
        token: sandbox.token,
        apiUrl: sandbox.apiUrl,
        videoUri,
        size: 5000,
        verifyTimeoutMs: 300,
      }),
    );
    expect(error.code).toBe('E_VERIFY_UNCONFIRMED');
    expect(error.message).toContain('upload.status "in_progress"');
  });
});
