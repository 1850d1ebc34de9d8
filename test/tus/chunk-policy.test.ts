/**
 * The default chunk policy as the transfer loop applies it, on ports that stand in for the network
 * (no bytes move): which PATCH sizes go out, and what a failure does to them.
 */
import { describe, expect, it } from 'vitest';
import { NetworkError } from '../../src/errors.js';
import { MAX_GROWN_CHUNK_SIZE_BYTES } from '../../src/tus/constants.js';
import type { ChunkRange, TransferPorts } from '../../src/tus/transfer-loop.js';
import { checkTransferSettings, runTransferLoop } from '../../src/tus/transfer-loop.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Ports of a server that takes every PATCH whole, except the ones `fail` picks (nothing kept). */
function ports(sizeBytes: number, fail: (index: number) => boolean = () => false) {
  const sent: ChunkRange[] = [];
  let offset = 0;
  const transferPorts: TransferPorts = {
    probe: async () => ({ offset, length: sizeBytes }),
    send: async (range) => {
      sent.push(range);
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
) {
  const { sent, transferPorts } = ports(sizeBytes, fail);
  const settings = { chunkSizeBytes, knownOffset: 0, sleep: async () => undefined };
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
  it('sends 128 MiB, then 256 MiB, then 512 MB PATCHes, and the rest', async () => {
    const lengths = await transfer(2 * GiB, undefined);
    expect(lengths.slice(0, 4)).toEqual([
      128 * MiB,
      256 * MiB,
      MAX_GROWN_CHUNK_SIZE_BYTES,
      MAX_GROWN_CHUNK_SIZE_BYTES,
    ]);
    expect(lengths.reduce((sum, length) => sum + length, 0)).toBe(2 * GiB);
    expect(lengths.length).toBe(6);
  });

  it('starts again at 128 MiB after a failed PATCH, and grows again', async () => {
    const lengths = await transfer(2 * GiB, undefined, (index) => index === 2);
    expect(lengths.slice(0, 6)).toEqual([
      128 * MiB,
      256 * MiB,
      MAX_GROWN_CHUNK_SIZE_BYTES, // cut
      128 * MiB,
      256 * MiB,
      MAX_GROWN_CHUNK_SIZE_BYTES,
    ]);
  });

  it('keeps a chunk size the caller set', async () => {
    expect(await transfer(1 * GiB, 256 * MiB)).toEqual([256 * MiB, 256 * MiB, 256 * MiB, 256 * MiB]);
  });
});
