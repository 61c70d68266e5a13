"""Scenario 2, throughput: the no-op functions and the bare servers under 32 and 128 kept-alive
connections for a fixed time, alternating within each repetition. Before measuring kumo at a
concurrency, an unmeasured run lets it start the instances that load needs: the table is about
warm throughput (cold starts have their own scenario)."""

from .. import load
from ..kumo import LANGS, noop_name, prewarm
from ..report import Table, verdict
from ..stats import fmt
from .warm import LABELS

TARGET_NODE_RATIO = 0.7


def run(ctx):
    s = ctx.settings
    table = Table("2. Throughput: no-op calls under concurrent kept-alive connections",
                  ["runtime", "connections", "bare calls/s", "kumo calls/s", "kumo / bare",
                   "target", "bare p50 / p99 us", "kumo p50 / p99 us", "kumo errors"])
    for connections in s.concurrency:
        for lang in LANGS:
            kumo_url = ctx.server.invoke_url(noop_name(lang))
            bare_url = ctx.bare_urls[lang]
            prewarm(ctx.server, noop_name(lang), connections)
            for url in (bare_url, kumo_url) if s.warmup_seconds else ():
                load.run(url, connections, s.warmup_seconds)
            runs = {"bare": [], "kumo": []}
            for _ in range(s.reps):
                runs["bare"].append(load.run(bare_url, connections, s.load_seconds))
                runs["kumo"].append(load.run(kumo_url, connections, s.load_seconds))
            subject = f"{lang}-c{connections}"
            cell = {}
            for who in ("bare", "kumo"):
                for key in ("rps", "p50_us", "p99_us", "errors"):
                    cell[who, key] = ctx.report.record("throughput", f"{who}-{subject}", key,
                                                       "", [r[key] for r in runs[who]])
            ratio = ctx.report.record("throughput", f"ratio-{subject}", "kumo/bare", "x",
                                      [k["rps"] / b["rps"] if b["rps"] else None
                                       for b, k in zip(runs["bare"], runs["kumo"])])
            target = (verdict(ratio.median if ratio else None, TARGET_NODE_RATIO,
                              at_most=False) + " (>= 0.7x)") if lang == "node" else "-"
            table.rows.append([
                LABELS[lang], connections, fmt(cell["bare", "rps"]), fmt(cell["kumo", "rps"]),
                fmt(ratio, 2, "x"), target,
                f"{fmt(cell['bare', 'p50_us'])} / {fmt(cell['bare', 'p99_us'])}",
                f"{fmt(cell['kumo', 'p50_us'])} / {fmt(cell['kumo', 'p99_us'])}",
                fmt(cell["kumo", "errors"])])
            panel = f"calls/s at {connections} connections"
            ctx.report.chart(panel, f"bare {LABELS[lang]}", cell["bare", "rps"].median)
            ctx.report.chart(panel, f"kumo {LABELS[lang]}", cell["kumo", "rps"].median)
            ctx.throughput[lang, connections] = runs["kumo"]
            stalled = sum(1 for r in runs["kumo"] if r["requests"] == 0)
            if stalled:
                table.notes.append(f"kumo {LABELS[lang]} at {connections}: {stalled} measured "
                                   f"run(s) answered no call at all.")
    warmup = (f"after one unmeasured run of {s.warmup_seconds:g} s per subject"
              if s.warmup_seconds else "with no unmeasured run")
    table.notes.append(f"{s.reps} repetitions of {s.load_seconds:g} s {warmup}; bare and kumo "
                       f"alternate. "
                       f"Before that, as many simultaneous calls as connections make kumo start "
                       f"the instances the load keeps busy. "
                       f"Client: {load.client_name()} on the same cores, so "
                       f"every figure includes the client's share of the CPU.")
    table.notes.append("Target (issue 3): kumo's no-op Node.js throughput at least 0.7x the bare "
                       "Node.js server; the other languages' ratios are shown for reading.")
    ctx.report.add(table)
