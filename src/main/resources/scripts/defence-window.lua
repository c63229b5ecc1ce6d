-- The defence's sliding window of one dimension's value: counts a batch's records into buckets, once per record, and
-- answers the window's sums. Keys share the value's hash tag (one Cluster slot).
-- KEYS[1] the buckets (hash "bucket:kind" -> count), KEYS[2] the record ids already counted (set),
-- KEYS[3] the numbers approved before (set; ranges only), KEYS[4] the numbers started in the window (zset scored by
-- the number; ranges only)
-- ARGV[1] the current bucket, ARGV[2] buckets in the short window, ARGV[3] buckets in the long window,
-- ARGV[4] ttl of the window's keys (s), ARGV[5] ttl of the approved numbers (s), ARGV[6] "1" for a range,
-- ARGV[7] the neighbour distance, then per record 5 values: id, kind (s start, a approved, vd voice answered,
-- ck check), bucket, number (digits, "" when none), "1" when another dimension found the number never seen
-- Returns {short s, a, n, nb, vd, ck, long s, a, n, nb, vd, ck, flags}: n the starts into numbers never seen,
-- nb the starts next to another start; flags one character per record, "1" for a start into a number never seen.
local now = tonumber(ARGV[1])
local shortFrom = now - tonumber(ARGV[2]) + 1
local longFrom = now - tonumber(ARGV[3]) + 1
local ttl = tonumber(ARGV[4])
local range = ARGV[6] == '1'
local dist = tonumber(ARGV[7])
local flags = {}
local touched = false
for i = 8, #ARGV, 5 do
  local id, kind, bucket, num, fresh = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local flag = '0'
  if redis.call('SADD', KEYS[2], id) == 1 then
    touched = true
    redis.call('HINCRBY', KEYS[1], bucket .. ':' .. kind, 1)
    if kind == 's' then
      if range and num ~= '' then
        local x = tonumber(num)
        local again = redis.call('ZSCORE', KEYS[4], num)
        if not again and redis.call('SISMEMBER', KEYS[3], num) == 0 then
          flag = '1'
        end
        local near = redis.call('ZRANGEBYSCORE', KEYS[4], x - dist, x + dist, 'LIMIT', 0, 2)
        for _, m in ipairs(near) do
          if m ~= num then
            redis.call('HINCRBY', KEYS[1], bucket .. ':nb', 1)
            break
          end
        end
        redis.call('ZADD', KEYS[4], x, num)
        if redis.call('ZCARD', KEYS[4]) > 5000 then
          redis.call('DEL', KEYS[4])
        end
        redis.call('EXPIRE', KEYS[4], ttl)
      elseif fresh == '1' then
        flag = '1'
      end
      if flag == '1' then
        redis.call('HINCRBY', KEYS[1], bucket .. ':n', 1)
      end
    elseif kind == 'a' and range and num ~= '' then
      redis.call('SADD', KEYS[3], num)
      redis.call('EXPIRE', KEYS[3], tonumber(ARGV[5]))
    end
  end
  flags[#flags + 1] = flag
end
if touched then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
end
local kinds = {s = 1, a = 2, n = 3, nb = 4, vd = 5, ck = 6}
local out = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local f = all[i]
  local c = string.find(f, ':', 1, true)
  local b = tonumber(string.sub(f, 1, c - 1))
  local k = kinds[string.sub(f, c + 1)]
  if b < longFrom then
    redis.call('HDEL', KEYS[1], f)
  elseif k and b <= now then
    local v = tonumber(all[i + 1])
    out[6 + k] = out[6 + k] + v
    if b >= shortFrom then
      out[k] = out[k] + v
    end
  end
end
out[13] = table.concat(flags)
return out
