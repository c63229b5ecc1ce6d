-- One check, atomically: state guard, expiry, constant-time compare of HMACs, try counted, state changed.
-- Concurrent checks are serialised by Redis: one approval at most, never more tries than maxChecks.
-- KEYS[1] hash, KEYS[2] events; ARGV[1] candidate HMAC (hex), ARGV[2] now (epoch ms), ARGV[3] API key name
-- returns {status, valid 0/1, attemptsLeft, changed 0/1, phone, region, provider, callChannel, ip, userAgent, appId, deviceId}
--#include verification-prelude
local h = KEYS[1]
local f = redis.call('HMGET', h, 'status', 'expiresAt', 'codeMac', 'checks', 'maxChecks', 'apiKey')
if not f[1] or f[6] ~= ARGV[3] then
  return {'not_found', 0, 0, 0}
end
local status = f[1]
local expiresAt = tonumber(f[2])
local mac = f[3]
local checks = tonumber(f[4])
local maxChecks = tonumber(f[5])
local now = tonumber(ARGV[2])
local function ctx(r)
  local c = redis.call('HMGET', h, 'phone', 'region', 'provider', 'callChannel', 'ip', 'userAgent', 'appId', 'deviceId')
  for i = 1, 8 do r[4 + i] = c[i] or '' end
  return r
end
local left = maxChecks - checks
if left < 0 then left = 0 end
-- the caller logs the 'expired' record of a flip it is told about (changed = 1)
if expire_if_due(h, KEYS[2], now, status, expiresAt, '1') then
  return ctx({'expired', 0, left, 1})
end
if status ~= 'pending' then
  return ctx({status, 0, left, 0})
end
local cand = ARGV[1]
local ok = 0
if mac and #mac == #cand then
  local diff = 0
  for i = 1, #cand do
    diff = bit.bor(diff, bit.bxor(string.byte(mac, i), string.byte(cand, i)))
  end
  if diff == 0 then ok = 1 end
end
checks = checks + 1
left = maxChecks - checks
local newStatus = status
if ok == 1 then
  newStatus = 'approved'
elseif checks >= maxChecks then
  newStatus = 'max_attempts_reached'
end
redis.call('HSET', h, 'checks', checks, 'status', newStatus, 'updatedAt', now)
redis.call('RPUSH', KEYS[2], cjson.encode({at = now, type = 'check', valid = (ok == 1)}))
if newStatus ~= status then
  redis.call('HDEL', h, 'codeMac')
  redis.call('HSET', h, 'endedAt', now)
  redis.call('RPUSH', KEYS[2], cjson.encode({at = now, type = newStatus}))
  return ctx({newStatus, ok, left, 1})
end
return ctx({newStatus, ok, left, 0})
