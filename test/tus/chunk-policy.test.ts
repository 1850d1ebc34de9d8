/**
 * The default chunk policy as the transfer loop applies it, on ports that stand in for the network
 * (no bytes move): which PATCH sizes go out, and what a failure does to them.
 */
import { describe, expect, it } from 'vitest';
import { NetworkError } from '../../src/errors.js';
import { DEFAULT_CHUNK_SIZE_BYTES } from '../../src/tus/constants.js';
import type { ChunkRange, TransferPorts } from '../../src/tus/transfer-loop.js';
import { checkTransferSettings, runTransferLoop } from '../../src/tus/transfer-loop.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * Ports of a server that takes every PATCH whole, except the ones `fail` picks (nothing kept). With
 * a `clock`, each PATCH moves it on by its length at `bytesPerMs`.
 */
function ports(
  sizeBytes: number,
  fail: (index: number) => boolean = () => false,
  clock?: { ms: number; bytesPerMs: number },
) {
  const sent: ChunkRange[] = [];
  let offset = 0;
  const transferPorts: TransferPorts = {
    probe: async () => ({ offset, length: sizeBytes }),
    send: async (range) => {
      sent.push(range);
      if (clock) clock.ms += (range.endBytes - range.offsetBytes) / clock.bytesPerMs;
      if (fail(sent.length - 1)) throw new NetworkError('connection reset');
      offset = range.endBytes;
      return offset;
    },
  };
  return { sent, transferPorts };
}

async function transfer(
  sizeBytes: number,
  chunkSizeBytes: number | undefined,
  fail?: (index: number) => boolean,
  bytesPerMs?: number,
) {
  const clock = bytesPerMs === undefined ? undefined : { ms: 0, bytesPerMs };
  const { sent, transferPorts } = ports(sizeBytes, fail, clock);
  const settings = {
    chunkSizeBytes,
    knownOffset: 0,
    sleep: async () => undefined,
    ...(clock ? { now: () => clock.ms } : {}),
  };
  await runTransferLoop({
    ...settings,
    url: new URL('http://127.0.0.1:1/files/x'),
    sizeBytes,
    limits: checkTransferSettings(settings, sizeBytes),
    ports: transferPorts,
  });
  return sent.map((range) => range.endBytes - range.offsetBytes);
}

describe('the default chunk policy', () => {
  it("sends 512 MB PATCHes and the rest (3 PATCHes for 1 GiB, the fewest Vimeo's advice allows)", async () => {
    expect(await transfer(1 * GiB, undefined)).toEqual([
      DEFAULT_CHUNK_SIZE_BYTES,
      DEFAULT_CHUNK_SIZE_BYTES,
      1 * GiB - 2 * DEFAULT_CHUNK_SIZE_BYTES,
    ]);
  });

  it('goes down to 128 MiB after a failed PATCH, and grows again', async () => {
    const lengths = await transfer(2 * GiB, undefined, (index) => index === 1);
    expect(lengths.slice(0, 5)).toEqual([
      DEFAULT_CHUNK_SIZE_BYTES,
      DEFAULT_CHUNK_SIZE_BYTES, // cut
      128 * MiB,
      256 * MiB,
      DEFAULT_CHUNK_SIZE_BYTES,
    ]);
    expect(lengths.reduce((sum, length) => sum + length, 0)).toBe(2 * GiB + DEFAULT_CHUNK_SIZE_BYTES);
  });

  it('on a slow link sends 128 MiB PATCHes after the first, so acknowledgements come often', async () => {
    // 2 MB/s: 512 MB take 256 s; at that pace 30 s carry 60 MB, below the 128 MiB floor.
    const lengths = await transfer(1 * GiB, undefined, undefined, 2_000);
    expect(lengths.slice(0, 4)).toEqual([DEFAULT_CHUNK_SIZE_BYTES, 128 * MiB, 128 * MiB, 128 * MiB]);
    expect(lengths.reduce((sum, length) => sum + length, 0)).toBe(1 * GiB);
    // 40 MB/s: a 512 MB PATCH takes 12.8 s, under 30 s, so the size stays.
    expect(await transfer(1 * GiB, undefined, undefined, 40_000)).toHaveLength(3);
  });

  it('keeps a chunk size the caller set', async () => {
    expect(await transfer(1 * GiB, 256 * MiB)).toEqual([256 * MiB, 256 * MiB, 256 * MiB, 256 * MiB]);
  });
});
