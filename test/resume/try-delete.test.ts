/**
 * Deleting a placeholder never stops an upload: a refusal (403 without the `delete` scope) or a
 * failure comes back as words for the user; only an abort throws.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, NetworkError, VimeoApiError } from '../../src/errors.js';
import { tryDeletePlaceholder } from '../../src/resume/placeholder.js';

const failing = (error: unknown) => ({
  deleteVideo: async () => {
    throw error;
  },
});

describe('tryDeletePlaceholder', () => {
  it('resolves undefined when the video was deleted', async () => {
    const seen: string[] = [];
    const client = { deleteVideo: async ({ videoUri }: { videoUri: string }) => void seen.push(videoUri) };
    expect(await tryDeletePlaceholder(client, '/videos/9', new AbortController().signal)).toBeUndefined();
    expect(seen).toEqual(['/videos/9']);
  });

  it('says why when the delete was refused or failed, naming the delete scope for a 403', async () => {
    const signal = new AbortController().signal;
    const forbidden = new VimeoApiError('no', { request: { method: 'DELETE', host: 'api', status: 403 } });
    expect(await tryDeletePlaceholder(failing(forbidden), '/videos/9', signal)).toBe(
      'HTTP 403: the token may lack the `delete` scope',
    );
    expect(await tryDeletePlaceholder(failing(new NetworkError('reset')), '/videos/9', signal)).toBe(
      'E_NETWORK',
    );
  });

  it('throws on abort', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      tryDeletePlaceholder(failing(new AbortError()), '/videos/9', controller.signal),
    ).rejects.toBeInstanceOf(AbortError);
  });
});
