// @ts-nocheck
import { RedisScript } from './redis-script.js';

/**
 * The log's Lua scripts. Each runs atomically in Redis, so every node sees the
 * same positions, ids and epoch. Stream entries have the fields
 * `e` (epoch), `t` (append time, ms), `p` (topics joined by a space),
 * `y` (type, only when present) and `d` (data); the entry id is `<seq>-0`.
 */

/**
 * KEYS: stream, seq, epoch. ARGV: a candidate epoch (used only when none is set),
 * then one (topics, type or '', data) triple per event.
 * Returns { epoch, first seq, time ms }.
 */
export const appendScript = new RedisScript(
  `
redis.call('SET', KEYS[3], ARGV[1], 'NX')
local epoch = redis.call('GET', KEYS[3])
local count = (#ARGV - 1) / 3
local last = redis.call('INCRBY', KEYS[2], count)
local first = last - count + 1
local now = redis.call('TIME')
local ms = now[1] .. string.format('%03d', math.floor(tonumber(now[2]) / 1000))
for i = 0, count - 1 do
  local base = 2 + i * 3
  local id = string.format('%d-0', first + i)
  if ARGV[base + 1] == '' then
    redis.call('XADD', KEYS[1], id, 'e', epoch, 't', ms, 'p', ARGV[base], 'd', ARGV[base + 2])
  else
    redis.call('XADD', KEYS[1], id, 'e', epoch, 't', ms, 'p', ARGV[base], 'y', ARGV[base + 1], 'd', ARGV[base + 2])
  end
end
return { epoch, first, ms }
`,
  3,
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
