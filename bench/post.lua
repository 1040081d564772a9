-- wrk script for `make bench`'s booking POST: each line of the plan (a member's cookie, the
-- booking form's path, the confirmation's body) is posted once, in the plan's order, the lines
-- shared out between wrk's threads. The answers are counted: a redirect to My bookings
-- (POST_MADE: the booking was made) or anything else below 400 (refused: the form again with
-- its message, or back to an empty form). A thread that runs out of lines stops and says so:
-- the run is then not a measurement.
-- Every request asks for gzip, as browsers do (wrk.format sends only the headers given it).
wrk.headers["Accept-Encoding"] = "gzip"
local plan = {}
local position = 0
local threads = {}
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
  threads[#threads + 1] = thread
end

init = function(args)
  local total = tonumber(os.getenv("POST_THREADS")) or 1
  local n = 0
  for line in io.lines(os.getenv("POST_PLAN")) do
    local cookie, path, body = line:match("^([^\t]*)\t([^\t]+)\t(.*)$")
    if path then
      if n % total == (id or 1) - 1 then
        plan[#plan + 1] = {cookie = cookie, path = path, body = body}
      end
      n = n + 1
    end
  end
  csrf = os.getenv("BENCH_CSRF") or ""
  made_at = os.getenv("POST_MADE") or "/"
  redirected = 0
  refused = 0
  ran_out = 0
end

request = function()
  position = position + 1
  local item = plan[position]
  if item == nil then
    ran_out = 1
    wrk.thread:stop()
    item = plan[#plan]
  end
  return wrk.format("POST", item.path, {
    ["Cookie"] = item.cookie,
    ["X-CSRFToken"] = csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept-Encoding"] = wrk.headers["Accept-Encoding"],
  }, item.body)
end

response = function(status, headers, body)
  if status >= 400 then
    return
  end
  local location = headers["Location"] or headers["location"] or ""
  if status >= 300 and status < 400 and location:find(made_at, 1, true) then
    redirected = redirected + 1
  else
    refused = refused + 1
  end
end

done = function(summary, latency, requests)
  local made, turned_down, out = 0, 0, 0
  for _, thread in ipairs(threads) do
    made = made + (thread:get("redirected") or 0)
    turned_down = turned_down + (thread:get("refused") or 0)
    out = out + (thread:get("ran_out") or 0)
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors_connect": %d, ' ..
    '"errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, ' ..
    '"redirected": %d, "refused": %d, "threads_out_of_lines": %d}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean,
    latency.max, made, turned_down, out))
end
