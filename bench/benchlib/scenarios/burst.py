"""Scenario 4, burst: from zero instances, N concurrent calls of a function that holds its
instance for 100 ms. Each call has its own connection, opened before the start gate so that the
figure is kumo's, not the client's TCP set-up. The answer names the instance that served it, so
distinct names are the instances that were started and used."""

import http.client
import json
import threading
import time

from ..kumo import LANGS, burst_name
from ..report import Table
from ..stats import fmt, percentile
from .warm import LABELS


def one_burst(server, name, calls):
    """(ms until every call answered, distinct instances, failed calls, per-call ms list)."""
    gate = threading.Barrier(calls + 1)
    results = [None] * calls

    def call(i):
        conn = http.client.HTTPConnection(server.host, server.port, timeout=120)
        conn.connect()
        gate.wait()
        t0 = time.perf_counter()
        try:
            conn.request("POST", f"/2015-03-31/functions/{name}/invocations", body=b"{}",
                         headers={"content-type": "application/json"})
            resp = conn.getresponse()
            body = resp.read()
            instance = json.loads(body).get("instance") if resp.status == 200 else None
        except (OSError, ValueError, http.client.HTTPException):
            instance = None
        results[i] = ((time.perf_counter() - t0) * 1000, instance)
        conn.close()

    threads = [threading.Thread(target=call, args=(i,)) for i in range(calls)]
    for t in threads:
        t.start()
    gate.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    total = (time.perf_counter() - began) * 1000
    instances = {inst for _, inst in results if inst}
    failed = sum(1 for _, inst in results if not inst)
    return total, len(instances), failed, [ms for ms, _ in results]


def run(ctx):
    s = ctx.settings
    table = Table(f"4. Burst: {s.burst_calls} concurrent calls of a 100 ms function from zero "
                  f"instances", ["runtime", "all answered (ms)", "instances started",
                                 "failed calls", "per-call p50 (ms)", "slowest call (ms)"])
    for lang in LANGS:
        name = burst_name(lang)
        rows = []
        for _ in range(s.burst_reps):
            ctx.retirer.retire_all_and_wait()
            rows.append(one_burst(ctx.server, name, s.burst_calls))
        total = ctx.report.record("burst", lang, "all answered", "ms", [r[0] for r in rows])
        inst = ctx.report.record("burst", lang, "instances", "", [r[1] for r in rows])
        failed = ctx.report.record("burst", lang, "failed", "", [r[2] for r in rows])
        p50 = ctx.report.record("burst", lang, "per-call p50", "ms",
                                [percentile(r[3], 50) for r in rows])
        slowest = ctx.report.record("burst", lang, "slowest", "ms", [max(r[3]) for r in rows])
        table.rows.append([LABELS[lang], fmt(total), fmt(inst), fmt(failed), fmt(p50),
                           fmt(slowest)])
        ctx.report.chart("burst: all answered (ms)", f"kumo {LABELS[lang]}", total.median)
    ctx.retirer.retire_all_and_wait()  # frees the burst's instances for what comes next
    table.notes.append(f"{s.burst_reps} repetition(s), each after the function was scaled to "
                       f"zero. The floor is 100 ms plus one cold start; the issue sets no "
                       f"target here. Client: one Python thread and connection per call.")
    ctx.report.add(table)
