-- wrk script: every request signs a different person's pledge, each with its own pledge-only session.
-- TARGETS file lines (a slice of benchmarks/out/pledges/targets.txt, written by pledges_load.py): "<session key> <signature id>".
-- Threads take disjoint slices; a thread stops when its slice is used up (never signs twice: a repeat is a cheap redirect).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  targets = {}
  local i = 0
  for line in io.lines(os.getenv("TARGETS") or "benchmarks/out/pledges/targets_pending.txt") do
    if i % nthreads == tid then
      local key, sig = line:match("^(%S+)%s+(%d+)$")
      if key then table.insert(targets, {key, sig}) end
    end
    i = i + 1
  end
  pos = 0
  token = "benchcsrftokenbenchcsrftoken0123"  -- 32 chars: Django accepts the unmasked secret
  body = "agree=on&csrfmiddlewaretoken=" .. token
end

function request()
  pos = pos + 1
  if pos > #targets then
    exhausted = true
    pos = #targets
  end
  local t = targets[pos]
  return wrk.format("POST", "/ikrar/tandatangan/" .. t[2] .. "/", {
    ["Cookie"] = "sessionid=" .. t[1] .. "; csrftoken=" .. token,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if exhausted then wrk.thread:stop() end
end

function done(summary, latency, requests)
  io.write(string.format("p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
