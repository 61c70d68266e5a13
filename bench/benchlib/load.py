"""Load generation: wrk (with wrk/post.lua) when installed, else a small Python client that the
smoke test can rely on. Both hold `connections` kept-alive connections, each sending its next
call when the previous one answered, and report calls/s and latency percentiles in us."""

import http.client
import json
import os
import shutil
import subprocess
import threading
import time
import urllib.parse

from . import stats

LUA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "wrk", "post.lua")


# run.py turns wrk off for smoke runs, whose sub-second runs wrk (whole seconds) cannot do.
allow_wrk = True


def client_name():
    return "wrk" if allow_wrk and shutil.which("wrk") else "Python client (bench/benchlib/load.py)"


def run(url, connections, seconds, body="{}"):
    """One closed-loop run. Returns a dict: rps, p50_us, p99_us, p999_us, requests, errors."""
    if allow_wrk and shutil.which("wrk"):
        return _run_wrk(url, connections, seconds, body)
    return _run_python(url, connections, seconds, body)


def _run_wrk(url, connections, seconds, body):
    threads = 1 if connections == 1 else min(2, connections)
    env = dict(os.environ, BENCH_BODY=body)
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
            "--timeout", "30s", "-s", LUA, url]
    out = subprocess.run(argv, capture_output=True, text=True, env=env,
                         timeout=seconds + 60).stdout
    for line in out.splitlines():
        if line.startswith("BENCH_RESULT "):
            r = json.loads(line[len("BENCH_RESULT "):])
            secs = r["duration_us"] / 1e6
            return {"rps": r["requests"] / secs if secs else 0.0, "p50_us": r["p50_us"],
                    "p99_us": r["p99_us"], "p999_us": r["p999_us"], "requests": r["requests"],
                    "errors": r["socket_errors"] + r["bad_status"]}
    raise RuntimeError(f"wrk printed no result: {out[-500:]}")


def _run_python(url, connections, seconds, body):
    parts = urllib.parse.urlsplit(url)
    latencies = []
    errors = [0]
    lock = threading.Lock()
    start_gate = threading.Barrier(connections + 1)
    stop_at = [0.0]

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine = []
        bad = 0
        start_gate.wait()
        while time.perf_counter() < stop_at[0]:
            t0 = time.perf_counter()
            try:
                conn.request("POST", parts.path, body=body,
                             headers={"content-type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                if resp.status >= 400:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
            mine.append((time.perf_counter() - t0) * 1e6)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for w in workers:
        w.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start_gate.wait()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - began
    return {"rps": len(latencies) / elapsed, "p50_us": stats.percentile(latencies, 50),
            "p99_us": stats.percentile(latencies, 99),
            "p999_us": stats.percentile(latencies, 99.9), "requests": len(latencies),
            "errors": errors[0]}
