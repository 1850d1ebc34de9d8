/**
 * The Redis ledger's atomic steps, as Lua scripts. Each is a compare-and-set: the caller read a
 * value, computed the next one with the shared TypeScript rules (record-rules.ts, lock-policy.ts),
 * and the script writes it only if nobody changed the value since. So every rule lives in one
 * place, and two workers on two hosts cannot both win.
 */

/**
 * Record update. KEYS: record, old video set, new video set. ARGV: expected JSON, next JSON, id,
 * '1' when the old record had a video, '1' when the next one has. Returns 1, or 0 on a conflict.
 */
export const UPDATE_RECORD_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if KEYS[2] ~= KEYS[3] or ARGV[4] ~= ARGV[5] then
  if ARGV[4] == '1' then redis.call('SREM', KEYS[2], ARGV[3]) end
  if ARGV[5] == '1' then redis.call('SADD', KEYS[3], ARGV[3]) end
end
return 1
`;

/**
 * Record removal. KEYS: record, the ordered index, file set, video set. ARGV: expected JSON, id,
 * '1' when the record has a video. Returns 1, or 0 on a conflict.
 */
export const REMOVE_RECORD_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[2])
if ARGV[3] == '1' then redis.call('SREM', KEYS[4], ARGV[2]) end
return 1
`;

/**
 * Lock compare-and-set. KEYS: the lock. ARGV: expected JSON, next JSON ('' deletes). Returns 1,
 * or 0 when the lock is no longer what the caller read.
 */
export const SWAP_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1
`;
