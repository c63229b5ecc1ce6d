-- Gives back the token a consume took, in each window that has not refilled since (its next refill time is still
-- the one the consume answered): a start refused by another rule's bucket costs this one nothing.
-- KEYS[1] bucket hash; ARGV[1..] count, per ms, refill time answered by the consume, of each window
local h = KEYS[1]
if redis.call('EXISTS', h) == 0 then
  return 0
end
local n = #ARGV / 3
for i = 1, n do
  local cap = tonumber(ARGV[3 * i - 2])
  local r = tonumber(redis.call('HGET', h, 'r' .. i))
  local t = tonumber(redis.call('HGET', h, 't' .. i))
  if r ~= nil and t ~= nil and r == tonumber(ARGV[3 * i]) and t < cap then
    redis.call('HSET', h, 't' .. i, t + 1)
  end
end
return 1
