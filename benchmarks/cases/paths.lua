-- wrk: GET the paths listed in the file $PATHS (one per line) in turn; print p50/p95/p99 at the end.
-- The session cookie comes with -H "Cookie: ...".
local paths = {}
local f = assert(io.open(os.getenv("PATHS")))
for line in f:lines() do
  if #line > 0 then paths[#paths + 1] = line end
end
f:close()
local i = 0

function init(args)
  math.randomseed(os.time() + #tostring({}))
  i = math.random(#paths) - 1
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  io.write(string.format("PCTL p50=%.2f p95=%.2f p99=%.2f n=%d\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests))
end
