-- One anonymous sexual-violence report per request, posted as a first-time visitor's browser posts
-- the form (CSRF cookie + token, no session yet), for wrk. The office comes from the environment
-- (INSTITUTION, UNIT); the reported name is random, so reports never match each other (a repeat
-- match would flag every earlier report and grow the work with the run).
local csrf = "benchcsrfbenchcsrfbenchcsrf01234" -- 32 characters: Django accepts the unmasked secret
local letters = "abcdefghijklmnopqrstuvwxyz"
local institution = os.getenv("INSTITUTION") or "1"
local unit = os.getenv("UNIT") or "1"
local narrative = string.rep("Ucapan+bernada+seksual+saat+rapat+di+kantor.+", 4)
local n = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken=" .. csrf

-- Each thread of each run seeds from /dev/urandom: seeds drawn with math.random in setup() were the
-- same in every run (the main state is never seeded), so every run posted the names of the run before,
-- every report matched one per earlier run, and the work grew with each run (found 3 Dec 2026).
function init(args)
  local f = assert(io.open("/dev/urandom", "rb"))
  local bytes = f:read(6)
  f:close()
  local seed = 0
  for i = 1, #bytes do seed = seed * 256 + bytes:byte(i) end
  math.randomseed(seed)
end

function request()
  n = n + 1
  local name = {}
  for i = 1, 12 do
    local k = math.random(1, 26)
    name[i] = letters:sub(k, k)
  end
  local body = "csrfmiddlewaretoken=" .. csrf .. "&kind=sv_nonphysical&narrative=Laporan+" .. n .. ":+" .. narrative
    .. "&when_text=minggu+lalu&institution=" .. institution .. "&province=&unit=" .. unit
    .. "&where_text=ruang+rapat&accused_text=Orang+" .. table.concat(name) .. "&witnesses_text=&identity_mode=anonymous"
  return wrk.format(nil, nil, nil, body)
end
