-- wrk script: GET /v1/attempts?<LIST_PARAM>=<value>, newest first (default limit 100), rotating over the values in
-- LIST_FILE (one a line: phones or IPs that occur in the seeded archive). Fraud key from BENCH_FRAUD_KEY.
-- Counts answers other than 200 and pages without items (a value the archive does not hold: a seeding mistake).
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  values = {}
  for line in io.lines(os.getenv("LIST_FILE")) do
    if #line > 0 then table.insert(values, line) end
  end
  param = os.getenv("LIST_PARAM") or "phone"
  key = os.getenv("BENCH_FRAUD_KEY") or "bench-fraud-key"
  -- threads start at different places of the list
  i = (tid - 1) * math.floor(#values / 4)
  empty = 0
  bad = 0
end

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  i = i % #values + 1
  return wrk.format("GET", "/v1/attempts?" .. param .. "=" .. encode(values[i]),
    { ["Authorization"] = "Bearer " .. key, ["Accept"] = "application/json" })
end

response = function(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  elseif body:find('"items":%[%]') then
    empty = empty + 1
  end
end

function done(summary, latency, requests)
  local e, b = 0, 0
  for _, t in ipairs(threads) do
    e = e + (t:get("empty") or 0)
    b = b + (t:get("bad") or 0)
  end
  io.write(string.format("non-200: %d, empty pages: %d, socket errors: %d\n", b, e,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%s: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("latency max: %.2f ms\n", latency.max / 1000))
end
