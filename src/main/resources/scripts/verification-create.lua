-- Creates a verification hash and its event list, both with the same TTL. KEYS share the {id} hash tag.
-- KEYS[1] hash, KEYS[2] events; ARGV[1] ttl ms, ARGV[2] first event json, ARGV[3..] field/value pairs
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
