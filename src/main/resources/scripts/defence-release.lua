-- Ends an automatic block once: marks it released, stores the block as released, and frees (or quiets) its guard.
-- KEYS[1] the released marks (hash rule id -> time), KEYS[2] the blocks (hash rule id -> JSON), KEYS[3] the guard
-- ARGV[1] the rule's id, ARGV[2] now (ms), ARGV[3] the released block's JSON, ARGV[4] quiet time (ms; 0: free the
-- guard)
-- Returns 1 when this call released it, 0 when it was released before
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
if redis.call('GET', KEYS[3]) == ARGV[1] then
  local quiet = tonumber(ARGV[4])
  if quiet > 0 then
    redis.call('SET', KEYS[3], 'released', 'PX', quiet)
  else
    redis.call('DEL', KEYS[3])
  end
end
return 1
