"""Measures each shim against the fake Runtime API (a report, not a test).

  /usr/bin/python3 runtimes/tests/measure_shims.py [label=argv...]

For each shim: median time from spawn to its first GET /next (cold start, handler loaded), and
over many warm invocations the median round trip through the fake server plus the shim's own CPU
time per invocation (from /proc/<pid>/stat), which is what the shim adds to each warm call.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_runtime_api import FakeRuntimeApi  # noqa: E402
from shim_harness import RUNTIMES_DIR, ShimTestCase  # noqa: E402

ROOT = os.path.dirname(RUNTIMES_DIR)
EXAMPLES = os.path.join(ROOT, "examples")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def env_for(api, task_root, handler):
    case = ShimTestCase()
    case.api, case.task_root = api, task_root
    return case.env(handler)


def measure(argv, task_root, handler, starts=15, warm=3000):
    cold = []
    for _ in range(starts):
        api = FakeRuntimeApi()
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, env=env_for(api, task_root, handler), cwd=task_root,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cold.append(api.wait_next_requests(1)[0] - t0)
        p.kill()
        p.wait()
        api.close()
    api = FakeRuntimeApi()
    p = subprocess.Popen(argv, env=env_for(api, task_root, handler), cwd=task_root,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):  # warm-up
            api.wait_outcome(api.push({"name": "x"}))
        rtt = []
        cpu0 = cpu_seconds(p.pid)
        for _ in range(warm):
            t = time.perf_counter()
            api.wait_outcome(api.push({"name": "x"}))
            rtt.append(time.perf_counter() - t)
        cpu = (cpu_seconds(p.pid) - cpu0) / warm
    finally:
        p.kill()
        p.wait()
        api.close()
    return statistics.median(cold), min(cold), statistics.median(rtt), cpu


def main():
    build = os.environ.get("KUMO_BUILD", os.path.join(ROOT, "build"))
    py = os.path.join(RUNTIMES_DIR, "python", "bootstrap.py")
    node = os.path.join(RUNTIMES_DIR, "node", "bootstrap.mjs")
    cases = [
        ("python -I -S", ["/usr/bin/python3", "-I", "-S", py], "python-hello", "app.handler"),
        ("python -I", ["/usr/bin/python3", "-I", py], "python-hello", "app.handler"),
        ("node", ["/usr/bin/node", node], "node-hello", "index.handler"),
        ("cpp static", [os.path.join(build, "examples/cpp-hello/bootstrap")], "cpp-hello", ""),
    ]
    for extra in sys.argv[1:]:
        label, _, argv = extra.partition("=")
        cases.append((label, argv.split(), "cpp-hello", ""))
    print("%-14s %12s %10s %14s %14s" % ("shim", "cold p50 ms", "min ms", "warm rtt us",
                                           "shim cpu us"), flush=True)
    for label, argv, example, handler in cases:
        if not os.access(argv[0], os.X_OK):
            print("%-14s (missing %s)" % (label, argv[0]))
            continue
        task_root = os.path.join(EXAMPLES, example)
        cold, cold_min, rtt, cpu = measure(argv, task_root, handler)
        print("%-14s %12.1f %10.1f %14.0f %14.1f" % (label, cold * 1e3, cold_min * 1e3, rtt * 1e6,
                                                     cpu * 1e6), flush=True)


if __name__ == "__main__":
    tempfile.tempdir = None
    main()
