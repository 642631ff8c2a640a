-- wrk script: every request checks a different person in to the national session (POST /sosialisasi/sesi/<id>/hadir/),
-- each from its own browser session (a one-time code's session that has just scanned the room's QR code).
-- TARGETS: one session key per line (benchmarks/out/social/targets.txt); SESSION: the session id. Threads take disjoint slices.
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  keys = {}
  local i = 0
  for line in io.lines(os.getenv("TARGETS") or "benchmarks/out/social/targets.txt") do
    if i % nthreads == tid and #line > 0 then table.insert(keys, line) end
    i = i + 1
  end
  pos = 0
  path = "/sosialisasi/sesi/" .. os.getenv("SESSION") .. "/hadir/"
  token = "benchcsrftokenbenchcsrftoken0123"  -- 32 chars: Django accepts the unmasked secret
  body = "csrfmiddlewaretoken=" .. token
end

function request()
  pos = pos + 1
  if pos > #keys then pos = 1 end
  return wrk.format("POST", path, {
    ["Cookie"] = "sessionid=" .. keys[pos] .. "; csrftoken=" .. token,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
