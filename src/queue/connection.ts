/**
 * The queue's Redis: one URL (`redis://[:password@]host:port[/db]`, or `rediss://` for TLS) names
 * it for every command and every worker. Connections are opened here and checked at once, so a
 * wrong URL fails before anything is queued or taken, with the host and port only (a password in
 * the URL is never shown).
 */
import { Redis } from 'ioredis';
import { ConfigError, redact } from '../errors.js';

/** The BullMQ queue every command works on; one Redis database holds one queue of this name. */
export const QUEUE_NAME = 'vimeo-tus';

/** The RedisLedger key prefix the workers share (the ledger's default). */
export const FLEET_LEDGER_PREFIX = 'vimeo-tus:ledger:';

/** `host:port` of a queue URL, for messages. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
  } catch {
    return 'the given address';
  }
}

/**
 * Checks a queue URL (redis:// or rediss://).
 * @throws ConfigError when it is missing or not a Redis URL.
 */
export function checkRedisUrl(url: string | undefined): string {
  if (url === undefined || url.trim() === '') {
    throw new ConfigError(
      'No queue given: pass --queue redis://host:port (or set VIMEO_TUS_QUEUE) naming the Redis server the fleet shares.',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new ConfigError('--queue must be a Redis URL such as redis://127.0.0.1:6379');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(`--queue must be a redis:// or rediss:// URL (got ${parsed.protocol}//...)`);
  }
  return url.trim();
}

/**
 * Opens a connection BullMQ can use (commands wait while Redis restarts: `maxRetriesPerRequest:
 * null`, as BullMQ's workers require) and waits until Redis answers.
 * @throws ConfigError when Redis cannot be reached.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(checkRedisUrl(url), { lazyConnect: true, maxRetriesPerRequest: null });
  // Failed reconnections are reported as events; calls wait for the connection to come back. The
  // first connection's failure says why only there (its promise just says the connection closed).
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const own = error instanceof Error ? error.message : String(error);
    const reason = lastError !== undefined && /connection is closed/i.test(own) ? lastError.message : own;
    const hint = /NOAUTH|WRONGPASS|invalid password/i.test(reason)
      ? ' (give the password in the URL: redis://:PASSWORD@host:port, or redis://USER:PASSWORD@…)'
      : '';
    throw new ConfigError(
      `Cannot reach the queue's Redis at ${describeRedisUrl(url)}: ${redact(reason, passwordOf(url))}${hint}`,
      { cause: error },
    );
  }
  return redis;
}

/** The password of a queue URL (decoded and as written), to keep out of messages. */
function passwordOf(url: string): string[] {
  try {
    const { password } = new URL(url);
    return password === '' ? [] : [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}
