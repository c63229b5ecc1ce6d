-- Queues events for one webhook endpoint: each a due try now, its body, and its line in the deliveries log. Idempotent:
-- an event already in the log is left alone (a batch of the attempt stream handed twice queues nothing twice), unless
-- ARGV[3] is 1 (a replay: sent again, unless a try of it is queued already). Also trims the log behind the cutoff.
-- KEYS: [1] due zset, [2] bodies hash, [3] log hash, [4] log times zset (all of one endpoint's hash tag)
-- ARGV: [1] now ms, [2] cutoff ms (log lines created before it go), [3] force (1/0), then per event: id, body, log line
-- returns how many were queued
local now = tonumber(ARGV[1])
local force = ARGV[3] == '1'
local queued = 0
for i = 4, #ARGV, 3 do
  local id = ARGV[i]
  local skip
  if force then
    skip = redis.call('ZSCORE', KEYS[1], id)
  else
    skip = redis.call('HEXISTS', KEYS[3], id) == 1
  end
  if not skip then
    redis.call('HSET', KEYS[2], id, ARGV[i + 1])
    redis.call('ZADD', KEYS[1], now, id)
    redis.call('HSET', KEYS[3], id, ARGV[i + 2])
    redis.call('ZADD', KEYS[4], now, id)
    queued = queued + 1
  end
end
local old = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[2], 'LIMIT', 0, 1000)
for _, id in ipairs(old) do
  if not redis.call('ZSCORE', KEYS[1], id) then
    redis.call('HDEL', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
  end
end
return queued
