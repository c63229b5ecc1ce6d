-- Reserves one call of the verification's call budget for a new call and makes it the current call:
-- the previous code stops passing at once, late reports about the previous call become stale.
-- KEYS[1] hash, KEYS[2] events; ARGV[1] now, ARGV[2] new callRef, ARGV[3] event json, ARGV[4] provider, ARGV[5] channel
-- returns {result, status, callsUsed, maxCalls}; result ok | not_found | state | budget
--#include verification-prelude
local h = KEYS[1]
if redis.call('EXISTS', h) == 0 then
  return {'not_found', '', 0, 0}
end
local f = redis.call('HMGET', h, 'status', 'expiresAt', 'calls', 'maxCalls')
local status = f[1]
local now = tonumber(ARGV[1])
local calls = tonumber(f[3])
local maxCalls = tonumber(f[4])
-- past its expiry: no call; the expiry sweep owes the attempt log its record
if expire_if_due(h, KEYS[2], now, status, f[2], '0') then
  return {'state', 'expired', calls, maxCalls}
end
if status ~= 'pending' then
  return {'state', status, calls, maxCalls}
end
if calls >= maxCalls then
  return {'budget', status, calls, maxCalls}
end
calls = calls + 1
local tried = redis.call('HGET', h, 'tried') or ''
if not string.find(',' .. tried .. ',', ',' .. ARGV[4] .. ',', 1, true) then
  if tried == '' then tried = ARGV[4] else tried = tried .. ',' .. ARGV[4] end
end
redis.call('HSET', h, 'calls', calls, 'callRef', ARGV[2], 'callStatus', 'queued', 'updatedAt', now,
  'provider', ARGV[4], 'callChannel', ARGV[5], 'tried', tried)
redis.call('HDEL', h, 'codeMac', 'providerCallId')
if ARGV[3] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[3])
end
return {'ok', status, calls, maxCalls}
