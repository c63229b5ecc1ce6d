-- Claims up to ARGV[4] due tries of one webhook endpoint for one sender: each claimed try is pushed to the lease's end
-- and owned by the claim's token. A sender that dies lets the lease run out: the try is due again and another claims
-- it (sent again with the same webhook-id).
-- KEYS: [1] due zset, [2] bodies hash, [3] claims hash, [4] log hash
-- ARGV: [1] now ms, [2] lease end ms, [3] token, [4] most tries
-- returns id, body, log line for each claimed try
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for _, id in ipairs(due) do
  local body = redis.call('HGET', KEYS[2], id)
  if body then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    redis.call('HSET', KEYS[3], id, ARGV[3])
    table.insert(out, id)
    table.insert(out, body)
    table.insert(out, redis.call('HGET', KEYS[4], id) or '')
  else
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[3], id)
  end
end
return out
