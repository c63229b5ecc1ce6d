-- Forgets a tracked call whatever its claim (the call reached a final status by another way, e.g. a callback).
-- KEYS: [1] due zset, [2] jobs hash, [3] owners hash; ARGV[1] callRef
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
