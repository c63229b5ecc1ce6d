-- wrk script: POST /v1/verifications/{id}/check with a wrong code, round-robin over ids created by start.lua.
-- Each verification takes 5 tries (200 valid:false), then answers 409 max_attempts_reached: both are the
-- check path (one Lua script: state guard, constant-time HMAC compare, try count).
-- CHECK_RATE (requests/s over all connections, BENCH_CONNECTIONS of them): each connection waits a random time of
-- mean BENCH_CONNECTIONS / CHECK_RATE seconds before each request, so the phase runs at about that rate (closed loop:
-- if the service falls behind, the rate drops with it; at half the peak it holds). The waits are exponential, so
-- requests arrive as independent users' would (a Poisson stream); a fixed wait keeps the connections in step, and
-- all of them then fire within a millisecond: bursts of BENCH_CONNECTIONS requests whose last one queues behind the
-- others, a latency of the load generator's making.
local ids = {}
local i = 0
local rate = tonumber(os.getenv("CHECK_RATE") or "")
local pause = rate and rate > 0 and (tonumber(os.getenv("BENCH_CONNECTIONS") or "32") * 1000 / rate) or nil

if pause then
  delay = function() return math.min(10 * pause, -pause * math.log(1 - math.random())) end
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  local dir = os.getenv("BENCH_OUT") or "."
  for t = 1, 64 do
    local f = io.open(string.format("%s/ids-%d.txt", dir, t), "r")
    if f then
      for line in f:lines() do table.insert(ids, line) end
      f:close()
    end
  end
  if #ids == 0 then error("no ids: run the start phase first") end
end

request = function()
  i = i + 1
  local id = ids[(i % #ids) + 1]
  return wrk.format("POST", "/v1/verifications/" .. id .. "/check", {
    ["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "bench-key"),
    ["Content-Type"] = "application/json"
  }, '{"code":"0000"}')
end

done = function(summary, latency, requests)
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%s: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
