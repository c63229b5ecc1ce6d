-- wrk script of bench/webhooks.sh: POST /v1/verifications, each request to a distinct valid +7 mobile number, each
-- start making webhook events (verification.started, verification.call_placed, ...).
-- START_RATE (starts/s over all connections, BENCH_CONNECTIONS of them): each connection waits an exponential time of
-- mean BENCH_CONNECTIONS / START_RATE seconds before each request (a Poisson stream, as in check.lua); unset: as fast
-- as the app answers. BENCH_BASE offsets the numbers, so that phases do not reuse them.
local counter = 0
local threads = 0
local rate = tonumber(os.getenv("START_RATE") or "")
local pause = rate and rate > 0 and (tonumber(os.getenv("BENCH_CONNECTIONS") or "32") * 1000 / rate) or nil

if pause then
  delay = function() return math.min(10 * pause, -pause * math.log(1 - math.random())) end
end

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  base = (tonumber(os.getenv("BENCH_BASE") or "0") + tid * 1000000) % 10000000
end

request = function()
  counter = counter + 1
  local phone = string.format("+7926%07d", (base + counter) % 10000000)
  local body = string.format('{"phone":"%s","context":{"ip":"10.%d.%d.%d","appId":"bench-webhooks"}}',
    phone, tid % 256, math.floor(counter / 256) % 256, counter % 256)
  return wrk.format("POST", "/v1/verifications", {
    ["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "bench-key"),
    ["Content-Type"] = "application/json"
  }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d\n", summary.errors.status + summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%s: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
