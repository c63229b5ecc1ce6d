-- Takes one token from a bucket of one or more windows, or none: the bucket of one rule and subject (its own key,
-- its own hash slot). Each window holds at most `count` tokens and refills all of them at once every `per` ms,
-- counted from the bucket's first use: at most `count` per window, as the limits promise. A token is taken only when
-- every window has one. Time is the caller's (the application clock), so tests move it without sleeping.
-- KEYS[1] bucket hash; ARGV[1] now ms, ARGV[2] ttl ms (the longest window plus the idle grace),
-- ARGV[3..] count, per ms of each window
-- returns {allowed 0/1, wait ms until one more is allowed (0 when allowed), tokens left (the fewest),
--          then the next refill time of each window (a refund names them: it must not cross a refill)}
local h = KEYS[1]
local now = tonumber(ARGV[1])
local n = (#ARGV - 2) / 2
local state = redis.call('HGETALL', h)
local s = {}
for i = 1, #state, 2 do s[state[i]] = tonumber(state[i + 1]) end
local tokens, refill = {}, {}
local wait, left = 0, nil
for i = 1, n do
  local cap = tonumber(ARGV[1 + 2 * i])
  local per = tonumber(ARGV[2 + 2 * i])
  local t, r = s['t' .. i], s['r' .. i]
  if t == nil or r == nil then
    t, r = cap, now + per
  elseif now >= r then
    local k = math.floor((now - r) / per) + 1
    t, r = cap, r + k * per
  end
  if t > cap then t = cap end
  tokens[i], refill[i] = t, r
  if t < 1 and r - now > wait then wait = r - now end
end
local allowed = 0
if wait == 0 then
  allowed = 1
  for i = 1, n do tokens[i] = tokens[i] - 1 end
end
local out = {allowed, wait, 0}
local fields = {}
for i = 1, n do
  fields[#fields + 1] = 't' .. i
  fields[#fields + 1] = tokens[i]
  fields[#fields + 1] = 'r' .. i
  fields[#fields + 1] = refill[i]
  if left == nil or tokens[i] < left then left = tokens[i] end
  out[3 + i] = refill[i]
end
out[3] = left or 0
redis.call('HSET', h, unpack(fields))
redis.call('PEXPIRE', h, ARGV[2])
return out
