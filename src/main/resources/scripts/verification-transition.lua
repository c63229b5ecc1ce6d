-- Ends a pending verification (canceled, failed). A pending one past its expiry becomes expired instead.
-- KEYS[1] hash, KEYS[2] events; ARGV[1] now, ARGV[2] new status, ARGV[3] event json
-- returns {result, status}; result ok | not_found | state
--#include verification-prelude
local h = KEYS[1]
if redis.call('EXISTS', h) == 0 then
  return {'not_found', ''}
end
local f = redis.call('HMGET', h, 'status', 'expiresAt')
local now = tonumber(ARGV[1])
-- past its expiry: the caller answers a conflict and logs nothing, the expiry sweep owes the attempt log its record
if expire_if_due(h, KEYS[2], now, f[1], f[2], '0') then
  return {'state', 'expired'}
end
if f[1] ~= 'pending' then
  return {'state', f[1]}
end
redis.call('HSET', h, 'status', ARGV[2], 'updatedAt', now, 'endedAt', now)
redis.call('HDEL', h, 'codeMac')
redis.call('RPUSH', KEYS[2], ARGV[3])
return {'ok', ARGV[2]}
