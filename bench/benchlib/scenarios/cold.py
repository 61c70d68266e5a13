"""Scenario 3, cold start: the time from a call arriving at kumo with no instance of the function
to its answer, seen by the client, next to the cost of just starting the interpreter measured
in the same loop. Each sample first scales every function to zero (a configuration change
retires its instances) and waits until those instances are gone, then starts the bare
interpreters, then makes one cold call per runtime; the REPORT line's Init Duration confirms
that the call was cold."""

import os
import re
import time

from ..kumo import LANGS, noop_name
from ..report import Table, verdict
from ..stats import fmt
from .warm import LABELS

INIT = re.compile(r"Init Duration: ([\d.]+) ms")
# What "starting the interpreter" means per runtime: the commands, in a clean
# environment, spawned and reaped the way a launcher would.
CLEAN_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def bare_argv(lang, tools_dir):
    return {"python": ["/usr/bin/python3", "-c", "pass"],
            "python -I -S": ["/usr/bin/python3", "-I", "-S", "-c", "pass"],
            "node": ["/usr/bin/node", "-e", "0"],
            "cpp": [os.path.join(tools_dir, "bench_empty_main")]}[lang]


def spawn_ms(argv):
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, CLEAN_ENV)
    _, status = os.waitpid(pid, 0)
    elapsed = (time.perf_counter() - t0) * 1000
    if status != 0:
        raise RuntimeError(f"{argv} exited with status {status}")
    return elapsed


def cold_call(ctx, lang):
    """(client ms, Init Duration ms or None) of one call after the function was retired."""
    t0 = time.perf_counter()
    status, body, log = ctx.client.invoke(noop_name(lang), tail=True)
    elapsed = (time.perf_counter() - t0) * 1000
    if status != 200:
        raise RuntimeError(f"cold call to {noop_name(lang)}: {status} {body[:200]!r}")
    match = INIT.search(log)
    return elapsed, float(match.group(1)) if match else None


def run(ctx):
    s = ctx.settings
    bare_kinds = ("python", "python -I -S", "node", "cpp")
    bare = {k: [] for k in bare_kinds}
    kumo = {lang: [] for lang in LANGS}
    init = {lang: [] for lang in LANGS}
    for _ in range(s.cold_samples):
        ctx.retirer.retire_all_and_wait()
        for kind in bare_kinds:
            bare[kind].append(spawn_ms(bare_argv(kind, ctx.tools_dir)))
        for lang in LANGS:
            ms, init_ms = cold_call(ctx, lang)
            kumo[lang].append(ms)
            init[lang].append(init_ms)
    table = Table("3. Cold start: call with no instance to answer (ms)",
                  ["runtime", "bare start", "kumo cold call", "kumo Init Duration",
                   "kumo / bare", "target", "warm calls seen"])
    for lang in LANGS:
        b = ctx.report.record("cold", f"bare-{lang}", "start", "ms", bare[lang])
        k = ctx.report.record("cold", f"kumo-{lang}", "cold call", "ms", kumo[lang])
        i = ctx.report.record("cold", f"kumo-{lang}", "init duration", "ms", init[lang])
        ratio = ctx.report.record("cold", f"ratio-{lang}", "kumo/bare", "x",
                                  [kv / bv for kv, bv in zip(kumo[lang], bare[lang])])
        if lang == "cpp":
            target = verdict(k.median, 3.0) + " (<= 3 ms)"
        else:
            target = verdict(ratio.median, 1.3) + " (<= 1.3x)"
        not_cold = sum(1 for v in init[lang] if v is None)
        table.rows.append([LABELS[lang], fmt(b, 1), fmt(k, 1), fmt(i, 1), fmt(ratio, 2, "x"),
                           target, not_cold])
        ctx.report.chart("cold start (ms)", f"bare {LABELS[lang]}", b.median)
        ctx.report.chart("cold start (ms)", f"kumo {LABELS[lang]}", k.median)
        ctx.cold[lang] = k
    py_is = ctx.report.record("cold", "bare-python-I-S", "start", "ms", bare["python -I -S"])
    table.notes.append(f"{s.cold_samples} samples per runtime. Bare start: `python3 -c pass`, "
                       f"`node -e 0`, an empty static C++ binary, each posix_spawn-ed and reaped "
                       f"with a clean environment. kumo starts Python as `python3 -I -S`, whose "
                       f"bare start here is {fmt(py_is, 1)} ms.")
    table.notes.append("kumo cold call: client time of Invoke (with X-Amz-Log-Type: Tail) after "
                       "UpdateFunctionConfiguration retired the function's instances and they "
                       "were gone (their cgroups removed). "
                       "'warm calls seen' counts samples whose REPORT had no Init Duration "
                       "(should be 0).")
    ctx.report.add(table)
