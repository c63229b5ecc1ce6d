-- The defence's guard: at most one automatic block per (dimension, value), whoever races for it.
-- KEYS[1] the guard (a string: "pending", then the rule's id), KEYS[2] the blocks of the last days (zset by time)
-- ARGV[1] now (ms), ARGV[2] how far back a block counts as a repeat (ms), ARGV[3] how long a pending guard holds (ms),
-- ARGV[4] a unique token for this block
-- Returns 0 when a block holds (or is being made), else the level: 1 for the first block, 2 for one repeat ...
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local now = tonumber(ARGV[1])
local within = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - within)
redis.call('ZADD', KEYS[2], now, ARGV[4])
redis.call('PEXPIRE', KEYS[2], within)
redis.call('SET', KEYS[1], 'pending', 'PX', tonumber(ARGV[3]))
return redis.call('ZCARD', KEYS[2])
