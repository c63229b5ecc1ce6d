-- Expires a pending verification whose code lifetime is over (the expiry sweep). A verification flipped to
-- expired whose attempt-log record is still owed (expiryLogged = 0: the sweeping replica died between flipping it
-- and logging it, or another path flipped it without logging) is answered as if flipped now, so the record is
-- written at least once.
-- KEYS[1] hash, KEYS[2] events; ARGV[1] now
-- returns {result, provider, channel}; result expire | not_found | pending (not yet expired) | <status>
--#include verification-prelude
local h = KEYS[1]
if redis.call('EXISTS', h) == 0 then
  return {'not_found', '', ''}
end
local f = redis.call('HMGET', h, 'status', 'expiresAt', 'expiryLogged', 'provider', 'callChannel')
local now = tonumber(ARGV[1])
if f[1] == 'pending' then
  if expire_if_due(h, KEYS[2], now, f[1], f[2], '0') then
    return {'expire', f[4] or '', f[5] or ''}
  end
  return {'pending', '', ''}
end
if f[1] == 'expired' and f[3] == '0' then
  return {'expire', f[4] or '', f[5] or ''}
end
return {f[1], '', ''}
