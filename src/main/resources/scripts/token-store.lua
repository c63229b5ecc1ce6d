-- Stores a freshly issued token while still holding the lock, and clears the failure back-off.
-- KEYS[1] token hash, KEYS[2] lock, KEYS[3] back-off hash (all tagged {provider})
-- ARGV[1] lock holder, ARGV[2] ttl ms, ARGV[3..] field/value pairs
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[3])
return 1
