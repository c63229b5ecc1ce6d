-- Shared by every verification script (LuaScript puts it where a script says --#include verification-prelude).
-- The one rule of expiry: a pending verification past its expiresAt is expired, whoever touches it first. Flipping
-- it ends it: status expired, updatedAt and endedAt now, the code's HMAC gone, an 'expired' event on its timeline.
-- logged: '1' when the caller writes the attempt log's 'expired' record itself, '0' when the expiry sweep owes it
-- (verification-expire.lua answers 'expire' again for such a verification until the record is confirmed).
-- Answers true when it flipped the verification.
local function expire_if_due(h, events, now, status, expiresAt, logged)
  if status ~= 'pending' or now < tonumber(expiresAt) then
    return false
  end
  redis.call('HSET', h, 'status', 'expired', 'updatedAt', now, 'endedAt', now, 'expiryLogged', logged)
  redis.call('HDEL', h, 'codeMac')
  redis.call('RPUSH', events, cjson.encode({at = now, type = 'expired'}))
  return true
end
