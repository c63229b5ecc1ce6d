-- Keeps what we know of one call beside its live verification (the call records API reads it while the
-- verification is in Redis; the archive has it afterwards). Only fills in: a final callStatus is never replaced,
-- a record replaces the previous one. Lives exactly as long as the verification's hash.
-- KEYS[1] the verification hash, KEYS[2] its calls hash; ARGV[1] callRef, ARGV[2..] field/value pairs
-- returns 1 when kept, 0 when the verification is no longer in Redis
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then
  return 0
end
local cur = redis.call('HGET', KEYS[2], ARGV[1])
local call = {}
if cur then
  call = cjson.decode(cur)
end
local final = {delivered = true, not_delivered = true, failed = true}
for i = 2, #ARGV, 2 do
  local k, v = ARGV[i], ARGV[i + 1]
  if k == 'callStatus' then
    if not (call.callStatus and final[call.callStatus]) then
      call.callStatus = v
    end
  elseif k == 'record' then
    call.record = v
  elseif call[k] == nil or call[k] == '' then
    call[k] = v
  end
end
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(call))
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return 1
