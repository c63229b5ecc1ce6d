-- Schedules (or reschedules) a tracked call. KEYS (one shard, one hash tag: {calls} or {calls:N}): [1] due zset, [2] jobs hash, [3] owners hash
-- ARGV[1] callRef, ARGV[2] due (epoch ms), ARGV[3] job json
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
