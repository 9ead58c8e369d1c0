import { RedisScript } from './redis-script.js';

/**
 * The log's Lua scripts. Each runs atomically in Redis, so every node sees the
 * same positions, ids and epoch. Stream entries have the fields
 * `e` (epoch), `t` (append time, ms), `p` (topics joined by a space),
 * `y` (type, only when present), `d` (data) and `m` (adapter meta JSON, only when present); the entry id is `<seq>-0`.
 */

/**
 * The Lua that writes `count` stream entries from ARGV, five fields per event
 * starting at ARGV[firstArg] (topics, type or '', data, meta JSON or '',
 * publisher id or ''), as `<seq>-0` ids from `first`; with `indexIds`, publisher
 * ids go into the hash KEYS[4]. Shared by both append scripts, so entries look
 * the same whichever wrote them.
 */
function xaddEntries(firstArg: number, indexIds: boolean): string {
  return `for i = 0, count - 1 do
  local base = ${firstArg} + i * 5
  local id = string.format('%d-0', first + i)
  local fields = { 'e', epoch, 't', ms, 'p', ARGV[base] }
  if ARGV[base + 1] ~= '' then table.insert(fields, 'y'); table.insert(fields, ARGV[base + 1]) end
  table.insert(fields, 'd'); table.insert(fields, ARGV[base + 2])
  if ARGV[base + 3] ~= '' then table.insert(fields, 'm'); table.insert(fields, ARGV[base + 3]) end
  redis.call('XADD', KEYS[1], id, unpack(fields))${indexIds ? "\n  if ARGV[base + 4] ~= '' then redis.call('HSET', KEYS[4], ARGV[base + 4], first + i) end" : ''}
end`;
}

/**
 * KEYS: stream, seq, epoch, external ids (hash id → seq). ARGV: a candidate epoch
 * (used only when none is set), then per event (topics, type or '', data, meta
 * JSON or '', publisher id or ''). A publisher id already in the hash refuses the
 * whole append before anything is written: returns { 'duplicate', id }.
 * Otherwise returns { epoch, first seq, time ms }.
 */
export const appendScript = new RedisScript(
  `
local count = (#ARGV - 1) / 5
for i = 0, count - 1 do
  local xid = ARGV[6 + i * 5]
  if xid ~= '' and redis.call('HEXISTS', KEYS[4], xid) == 1 then return { 'duplicate', xid } end
end
redis.call('SET', KEYS[3], ARGV[1], 'NX')
local epoch = redis.call('GET', KEYS[3])
local last = redis.call('INCRBY', KEYS[2], count)
local first = last - count + 1
local now = redis.call('TIME')
local ms = now[1] .. string.format('%03d', math.floor(tonumber(now[2]) / 1000))
${xaddEntries(2, true)}
return { epoch, first, ms }
`,
  4,
);

/**
 * The append script plus a checkpoint write in the same atomic step (change
 * capture, CheckpointStore). KEYS: stream, seq, epoch, checkpoints (a hash).
 * ARGV: a candidate epoch, the checkpoint's field and value, then per event the
 * same five fields as the append script (captured changes carry no publisher id,
 * so the id index is not touched). Returns { epoch, first seq, time ms }.
 */
export const appendWithCheckpointScript = new RedisScript(
  `
redis.call('SET', KEYS[3], ARGV[1], 'NX')
local epoch = redis.call('GET', KEYS[3])
local count = (#ARGV - 3) / 5
local last = redis.call('INCRBY', KEYS[2], count)
local first = last - count + 1
local now = redis.call('TIME')
local ms = now[1] .. string.format('%03d', math.floor(tonumber(now[2]) / 1000))
${xaddEntries(4, false)}
redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
return { epoch, first, ms }
`,
  4,
);

/**
 * KEYS: seq, epoch, trimmed. ARGV: a candidate epoch (SET NX: a Redis that came
 * back empty gets a new one here). Returns { epoch, head, trimmedThrough }.
 */
export const positionScript = new RedisScript(
  `
redis.call('SET', KEYS[2], ARGV[1], 'NX')
return { redis.call('GET', KEYS[2]), redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[3]) or '0' }
`,
  3,
);

/**
 * KEYS: epoch. ARGV: the epoch seen, a new epoch. Replaces the epoch only if it
 * is still the one seen (used when the log went backwards). Returns the epoch.
 */
export const replaceEpochScript = new RedisScript(
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) end
return redis.call('GET', KEYS[1])
`,
  1,
);

/**
 * KEYS: stream, trimmed, epoch. ARGV: epoch, cut. Removes entries with seq <= cut
 * (exact MINID) if the epoch is still the given one, then records trimmedThrough
 * read back from the stream: the first remaining entry's seq - 1, or the cut when
 * the stream is empty. Returns { removed, trimmedThrough } (removed -1: epoch changed).
 */
export const trimScript = new RedisScript(
  `
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return { -1, 0 } end
local cut = tonumber(ARGV[2])
local removed = redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d-0', cut + 1))
local through = cut
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
if #first > 0 then
  local id = first[1][1]
  through = tonumber(string.sub(id, 1, string.find(id, '-', 1, true) - 1)) - 1
end
local old = tonumber(redis.call('GET', KEYS[2]) or '0')
if through > old then redis.call('SET', KEYS[2], string.format('%d', through)) else through = old end
return { removed, through }
`,
  3,
);
