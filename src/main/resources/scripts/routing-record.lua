-- Routing figures of one destination group (io.callauth.routing.FigureStore): applies a batch of attempt records to
-- the group's per-bucket counters, each record once (a batch handed twice after a crash counts nothing again).
-- KEYS[1] figures hash: "<bucket>|<provider>|placed|delivered|approved|d<bin>" -> count
-- KEYS[2] calls hash: callRef -> placedAt (ms), until its outcome (seconds to deliver)
-- KEYS[3] seen zset: the records' stream ids, scored by their time, kept as long as the figures
-- ARGV[1] now (ms), ARGV[2] keep (ms), then per record 5 values: id, kind, field prefix "<bucket>|<provider>|",
-- callRef ('' when none), at (ms). Kinds: P placed, F placement failed (counts as placed), D delivered,
-- N not delivered, A approved.
local now = tonumber(ARGV[1])
local keep = tonumber(ARGV[2])
-- delivery-time bins: bin 0 is [0, 1) s, bin b is [edges[b], edges[b+1]) s, the last one 120 s and more
local edges = {1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30, 40, 60, 90, 120}
local added = 0
for i = 3, #ARGV, 5 do
  local id, kind, f, ref, at = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], tonumber(ARGV[i + 4])
  if redis.call('ZADD', KEYS[3], 'NX', at, id) == 1 then
    added = added + 1
    if kind == 'P' then
      redis.call('HINCRBY', KEYS[1], f .. 'placed', 1)
      if ref ~= '' then
        redis.call('HSET', KEYS[2], ref, at)
      end
    elseif kind == 'F' then
      redis.call('HINCRBY', KEYS[1], f .. 'placed', 1)
    elseif kind == 'D' then
      redis.call('HINCRBY', KEYS[1], f .. 'delivered', 1)
      local placedAt = false
      if ref ~= '' then
        placedAt = redis.call('HGET', KEYS[2], ref)
      end
      if placedAt then
        local secs = (at - tonumber(placedAt)) / 1000
        local bin = #edges
        for b = 1, #edges do
          if secs < edges[b] then
            bin = b - 1
            break
          end
        end
        redis.call('HINCRBY', KEYS[1], f .. 'd' .. bin, 1)
        redis.call('HDEL', KEYS[2], ref)
      end
    elseif kind == 'N' then
      if ref ~= '' then
        redis.call('HDEL', KEYS[2], ref)
      end
    elseif kind == 'A' then
      redis.call('HINCRBY', KEYS[1], f .. 'approved', 1)
    end
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - keep)
for k = 1, 3 do
  redis.call('PEXPIRE', KEYS[k], keep + 600000)
end
return added
