-- Updates the current call of a verification: placed, failed to place, or its outcome.
-- Applies only when ARGV[2] is still the current call (stale reports about an earlier call are ignored) and,
-- with ARGV[3] = 1, only while the call has no final status yet (repeated callbacks are idempotent).
-- KEYS[1] hash, KEYS[2] events; ARGV[1] now, ARGV[2] callRef, ARGV[3] require non-final (0/1),
-- ARGV[4] calls delta (-1 gives back a reserved call that was never placed), ARGV[5] event json,
-- ARGV[6..] field/value pairs
-- A final call status is never replaced: a callback can arrive before the placing replica recorded the call
-- as placed, and that late "calling" must not undo it.
-- returns {result, status, callsUsed, maxCalls, provider, providersTried, callStatus};
-- result ok | not_found | stale | duplicate
local h = KEYS[1]
if redis.call('EXISTS', h) == 0 then
  return {'not_found', '', 0, 0, '', '', ''}
end
local f = redis.call('HMGET', h, 'callRef', 'callStatus', 'status', 'calls', 'maxCalls', 'provider', 'tried')
if f[1] ~= ARGV[2] then
  return {'stale', f[3], tonumber(f[4]), tonumber(f[5]), f[6] or '', f[7] or '', ''}
end
local cs = f[2]
local final = cs == 'delivered' or cs == 'not_delivered' or cs == 'failed'
if ARGV[3] == '1' and final then
  return {'duplicate', f[3], tonumber(f[4]), tonumber(f[5]), f[6] or '', f[7] or '', cs}
end
if #ARGV >= 6 then
  redis.call('HSET', h, unpack(ARGV, 6))
end
if final then
  redis.call('HSET', h, 'callStatus', cs)
end
local calls = tonumber(f[4])
local delta = tonumber(ARGV[4])
if delta ~= 0 then
  calls = redis.call('HINCRBY', h, 'calls', delta)
end
redis.call('HSET', h, 'updatedAt', ARGV[1])
if ARGV[5] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[5])
end
local g = redis.call('HMGET', h, 'provider', 'tried', 'callStatus')
return {'ok', f[3], calls, tonumber(f[5]), g[1] or '', g[2] or '', g[3] or ''}
