-- Shared by the webhook scripts that claim due tries (LuaScript puts it where a script says --#include webhook-claim-prelude).
-- claim(due, bodies, claims, log, now, leaseEnd, token, most, out): claims up to `most` due tries of one endpoint for
-- one sender, each pushed to the lease's end and owned by the token, and appends id, body, log line of each to `out`.
-- A due id without a body (its event gone) is dropped.
local function claim(due, bodies, claims, log, now, leaseEnd, token, most, out)
  if most <= 0 then
    return out
  end
  local ids = redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, most)
  for _, id in ipairs(ids) do
    local body = redis.call('HGET', bodies, id)
    if body then
      redis.call('ZADD', due, leaseEnd, id)
      redis.call('HSET', claims, id, token)
      table.insert(out, id)
      table.insert(out, body)
      table.insert(out, redis.call('HGET', log, id) or '')
    else
      redis.call('ZREM', due, id)
      redis.call('HDEL', claims, id)
    end
  end
  return out
end
