-- Ends one claim: reschedules the call at ARGV[3] or, with ARGV[3] = -1, forgets it. Only the claim's owner may:
-- a poller whose lease ran out (and whose call another poller took) changes nothing.
-- KEYS: [1] due zset, [2] jobs hash, [3] owners hash; ARGV[1] callRef, ARGV[2] owner token, ARGV[3] next due or -1
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then
  return 0
end
redis.call('HDEL', KEYS[3], ARGV[1])
if tonumber(ARGV[3]) < 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
end
return 1
