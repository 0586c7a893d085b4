-- POST /login for residents in turn (codes first .. first+n-1), all with the same PIN, the
-- same pre-login session cookie and its CSRF token; counts answers other than 303 (a login
-- that failed answers the form again). Prints wrk's summary as one JSON line, like report.lua.
-- Arguments: token pin first n
local threads = {}

setup = function(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end

init = function(args)
  token, pin, first, n = args[1], args[2], tonumber(args[3]), tonumber(args[4])
  i, bad = offset or 0, 0
end

request = function()
  i = i + 1
  local body = "csrf_token=" .. token .. "&login=" .. (first + i % n) .. "&pin=" .. pin
  return wrk.format("POST", "/login", nil, body)
end

response = function(status, headers, body)
  if status ~= 303 then
    bad = bad + 1
  end
end

done = function(summary, latency, requests)
  local not_303 = 0
  for _, t in ipairs(threads) do
    not_303 = not_303 + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,"p50":%d,"p95":%d,"p99":%d,' ..
    '"max":%d,"status_errors":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,' ..
    '"not_303":%d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, e.status, e.connect,
    e.read, e.write, e.timeout, not_303))
end
