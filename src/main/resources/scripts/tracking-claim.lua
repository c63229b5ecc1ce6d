-- Claims up to ARGV[4] due calls for one poller: each claimed call is pushed to now + lease and owned by the
-- claim's token. A poller that dies simply lets the lease run out: the call is due again and another claims it.
-- KEYS: [1] due zset, [2] jobs hash, [3] owners hash; ARGV[1] now, ARGV[2] lease ms, ARGV[3] owner token, ARGV[4] max
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for _, ref in ipairs(due) do
  local job = redis.call('HGET', KEYS[2], ref)
  if job then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ref)
    redis.call('HSET', KEYS[3], ref, ARGV[3])
    table.insert(out, ref)
    table.insert(out, job)
  else
    redis.call('ZREM', KEYS[1], ref)
  end
end
return out
