"""Scenario 1, warm overhead: one call at a time over a kept-alive connection (wrk -c1 -t1) to a
no-op function through kumo's Invoke API, and to the bare server of the same language, in
alternation. What kumo adds is the per-repetition difference of the two, so drift between
repetitions cancels."""

from .. import load
from ..kumo import LANGS, noop_name
from ..report import Table, verdict
from ..stats import fmt

TARGET_P50_US = 50
TARGET_P99_US = 250
LABELS = {"python": "Python", "node": "Node.js", "cpp": "C++"}


def run(ctx):
    s = ctx.settings
    table = Table("1. Warm overhead: one call at a time, kept-alive (latency in us)",
                  ["runtime", "bare p50", "kumo p50", "added p50", "target <= 50",
                   "bare p99", "kumo p99", "added p99", "target <= 250", "bare p99.9",
                   "kumo p99.9"])
    for lang in LANGS:
        kumo_url = ctx.server.invoke_url(noop_name(lang))
        bare_url = ctx.bare_urls[lang]
        for url in (bare_url, kumo_url):  # warm-up: instance started, caches and JITs warm
            load.run(url, 1, max(s.warmup_seconds, 0.5))
        runs = {"bare": [], "kumo": []}
        for _ in range(s.reps):
            runs["bare"].append(load.run(bare_url, 1, s.warm_seconds))
            runs["kumo"].append(load.run(kumo_url, 1, s.warm_seconds))
        cells = {}
        for who in ("bare", "kumo"):
            for p in ("p50", "p99", "p999"):
                cells[who, p] = ctx.report.record("warm", f"{who}-{lang}", p, "us",
                                                  [r[f"{p}_us"] for r in runs[who]])
            ctx.report.record("warm", f"{who}-{lang}", "errors", "calls",
                              [r["errors"] for r in runs[who]])
        added = {p: ctx.report.record("warm", f"added-{lang}", p, "us",
                                      [k[f"{p}_us"] - b[f"{p}_us"]
                                       for b, k in zip(runs["bare"], runs["kumo"])])
                 for p in ("p50", "p99")}
        table.rows.append([
            LABELS[lang], fmt(cells["bare", "p50"]), fmt(cells["kumo", "p50"]),
            fmt(added["p50"]), verdict(added["p50"].median, TARGET_P50_US),
            fmt(cells["bare", "p99"]), fmt(cells["kumo", "p99"]), fmt(added["p99"]),
            verdict(added["p99"].median, TARGET_P99_US), fmt(cells["bare", "p999"]),
            fmt(cells["kumo", "p999"])])
        ctx.report.chart("warm p50 latency (us)", f"bare {LABELS[lang]}", cells["bare", "p50"].median)
        ctx.report.chart("warm p50 latency (us)", f"kumo {LABELS[lang]}", cells["kumo", "p50"].median)
        errors = sum(r["errors"] for r in runs["kumo"])
        if errors:
            table.notes.append(f"kumo {LABELS[lang]}: {errors} calls failed (socket error or "
                               f"status >= 400) during the measured runs.")
    table.notes.append(f"{s.reps} repetitions of {s.warm_seconds:g} s per subject, bare and kumo "
                       f"alternating; 'added' is kumo minus bare within each repetition.")
    table.notes.append("Bare servers: Node.js `http`, Python `http.server` "
                       "(ThreadingHTTPServer), a single-threaded epoll C++ server, each "
                       "answering the same JSON. kumo: POST /2015-03-31/functions/NAME/invocations.")
    ctx.report.add(table)
