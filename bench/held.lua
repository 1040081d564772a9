-- wrk script for `make bench-held`: each request is one of the plan's lines (a member's session
-- cookie and a page), picked at random (seeded per thread, so every run asks the same mix).
-- Every request asks for gzip, as browsers do (wrk.format sends only the headers given it).
wrk.headers["Accept-Encoding"] = "gzip"
local plan = {}
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

init = function(args)
  math.randomseed(seed or 1)
  for line in io.lines(os.getenv("HELD_PLAN")) do
    local cookie, path = line:match("^([^\t]*)\t(.+)$")
    if path then
      plan[#plan + 1] = {cookie = cookie, path = path}
    end
  end
end

request = function()
  local item = plan[math.random(#plan)]
  local headers = {["Accept-Encoding"] = wrk.headers["Accept-Encoding"]}
  if item.cookie ~= "" then
    headers["Cookie"] = item.cookie
  end
  return wrk.format("GET", item.path, headers)
end

done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors_connect": %d, ' ..
    '"errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean,
    latency.max))
end
