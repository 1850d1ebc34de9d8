/**
 * What `connectRedis` says when the queue's Redis cannot be used: the cause Redis or the network
 * gave (not only "the connection closed"), a hint for a missing or wrong password, and never the
 * password itself. Against real redis-server processes.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { connectRedis } from '../../src/queue/connection.js';
import { type RedisServer, SKIP_REDIS, startRedis } from '../helpers/redis-server.js';

const PASSWORD = 's3cret-pass-42';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 1;
}

async function refusal(url: string): Promise<ConfigError> {
  const error = await connectRedis(url).then(
    (redis) => {
      redis.disconnect();
      throw new Error('connected');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe.skipIf(SKIP_REDIS)('connectRedis: why the queue cannot be used', () => {
  let guarded: RedisServer;
  beforeAll(async () => {
    guarded = await startRedis({ password: PASSWORD });
  }, 30_000);
  afterAll(async () => {
    await guarded?.close();
  });

  it('nobody listening: the network says so', async () => {
    const port = await closedPort();
    const error = await refusal(`redis://127.0.0.1:${port}`);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toMatch(/connection is closed/i);
  });

  it('a password missing or wrong: Redis says so, with where the password goes, never the password', async () => {
    const port = new URL(guarded.url).port;
    const missing = await refusal(`redis://127.0.0.1:${port}`);
    expect(missing.message).toContain('NOAUTH');
    expect(missing.message).toContain('redis://:PASSWORD@host:port');
    const wrong = await refusal(`redis://:wrong-${PASSWORD}@127.0.0.1:${port}`);
    expect(wrong.message).toMatch(/WRONGPASS|invalid password/);
    expect(wrong.message).not.toContain(PASSWORD);
    const redis = await connectRedis(`redis://:${PASSWORD}@127.0.0.1:${port}`);
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
  });
});
