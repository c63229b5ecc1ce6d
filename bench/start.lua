-- wrk script: POST /v1/verifications, each request to a distinct valid +7 mobile number.
-- Records the ids of created verifications (one file per thread) for check.lua.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  ids = io.open(string.format("%s/ids-%d.txt", os.getenv("BENCH_OUT") or ".", tid), "w")
  base = 9000000 + tid * 100000
end

request = function()
  counter = counter + 1
  local phone = string.format("+7916%07d", (base + counter) % 10000000)
  local body = string.format('{"phone":"%s","context":{"ip":"10.%d.%d.%d","appId":"bench"}}',
    phone, tid % 256, math.floor(counter / 256) % 256, counter % 256)
  return wrk.format("POST", "/v1/verifications", {
    ["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "bench-key"),
    ["Content-Type"] = "application/json"
  }, body)
end

response = function(status, headers, body)
  if status == 201 then
    local id = body:match('"id":"(vf_[0-9a-f]+)"')
    if id then ids:write(id, "\n") end
  end
end

done = function(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d\n", summary.errors.status + summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%s: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
