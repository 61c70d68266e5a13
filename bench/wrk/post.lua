-- wrk script for kumo's benchmark: POSTs the JSON event in BENCH_BODY (default "{}") and, when
-- the run ends, prints one line "BENCH_RESULT {json}" that bench/benchlib/load.py reads.
-- No response() callback: wrk would then hand every answer to Lua, which costs client CPU that
-- the servers on this 2-core machine need. wrk itself counts answers with status >= 400.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"p999_us":%d,"max_us":%d,"socket_errors":%d,"bad_status":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status))
end
