"""Scenario 5, memory: resident (RSS) and proportional (PSS) memory of one idle instance per
runtime, found through its cgroup, and of the kumo server idle and under the throughput load.
Figures come from /proc/PID/smaps_rollup."""

import os
import threading
import time

from .. import load
from ..kumo import LANGS, instance_cgroups, noop_name, prewarm
from ..report import Table, verdict
from ..stats import fmt
from .warm import LABELS

TARGET_MB = {"python": 12, "node": 50, "cpp": 3}
TARGET_SERVER_IDLE_MB = 30


def rollup_mb(pid):
    """(RSS MB, PSS MB) of one process, or (None, None) if it is gone."""
    fields = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(":"):
                    fields[parts[0][:-1]] = int(parts[1])
    except (OSError, ValueError):
        return None, None
    kb = lambda key: fields.get(key, 0)
    return kb("Rss") / 1024, kb("Pss") / 1024


def _ppid(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def _comm(pid):
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def main_process(cgroup):
    """(main pid, all pids) of an instance: the main process is the one the kumo-sandbox helper
    started; if the helper is not visible, the one whose parent is outside the cgroup."""
    with open(os.path.join(cgroup, "cgroup.procs")) as f:
        pids = [int(p) for p in f.read().split()]
    for pid in pids:
        try:
            if _comm(_ppid(pid)).startswith("kumo-sandbox"):
                return pid, pids
        except OSError:
            continue
    outside = [p for p in pids if _ppid(p) not in pids]
    return (outside[0] if outside else None), pids


def idle_instance(ctx, lang):
    """(main RSS, main PSS, instance PSS) in MB of a fresh instance after one call."""
    ctx.retirer.retire_all_and_wait()
    before = instance_cgroups(ctx.server.pid)
    status, body, _ = ctx.client.invoke(noop_name(lang))
    if status != 200:
        raise RuntimeError(f"{noop_name(lang)}: {status} {body[:200]!r}")
    new = instance_cgroups(ctx.server.pid) - before
    if len(new) != 1:
        raise RuntimeError(f"expected one new instance cgroup for {lang}, found {len(new)}")
    main, pids = main_process(new.pop())
    rss, pss = rollup_mb(main)
    total_pss = sum(rollup_mb(p)[1] or 0 for p in pids)
    return rss, pss, total_pss


def server_under_load(ctx, connections=32):
    """Peak (RSS, PSS) in MB of the kumo server while the Node.js no-op runs at `connections`."""
    url = ctx.server.invoke_url(noop_name("node"))
    prewarm(ctx.server, noop_name("node"), connections)
    done = threading.Event()
    thread = threading.Thread(
        target=lambda: (load.run(url, connections, ctx.settings.load_seconds), done.set()))
    thread.start()
    peak_rss = peak_pss = 0.0
    while not done.wait(0.1):
        rss, pss = rollup_mb(ctx.server.pid)
        peak_rss, peak_pss = max(peak_rss, rss or 0), max(peak_pss, pss or 0)
    thread.join()
    return peak_rss, peak_pss


def run(ctx):
    s = ctx.settings
    table = Table("5. Memory (MB)", ["subject", "RSS", "PSS", "instance PSS (all processes)",
                                     "target (RSS)"])
    for lang in LANGS:
        samples = [idle_instance(ctx, lang) for _ in range(s.memory_reps)]
        rss = ctx.report.record("memory", f"instance-{lang}", "rss", "MB", [x[0] for x in samples])
        pss = ctx.report.record("memory", f"instance-{lang}", "pss", "MB", [x[1] for x in samples])
        tot = ctx.report.record("memory", f"instance-{lang}", "instance pss", "MB",
                                [x[2] for x in samples])
        table.rows.append([f"idle {LABELS[lang]} instance", fmt(rss, 1), fmt(pss, 1), fmt(tot, 1),
                           f"{verdict(rss.median, TARGET_MB[lang])} (<= {TARGET_MB[lang]})"])
        ctx.report.chart("idle RSS (MB)", f"kumo {LABELS[lang]} instance", rss.median)
    ctx.retirer.retire_all_and_wait()
    idle = [rollup_mb(ctx.server.pid) for _ in range(s.memory_reps)]
    rss = ctx.report.record("memory", "server-idle", "rss", "MB", [x[0] for x in idle])
    pss = ctx.report.record("memory", "server-idle", "pss", "MB", [x[1] for x in idle])
    table.rows.append(["kumo server, idle", fmt(rss, 1), fmt(pss, 1), "-",
                       f"{verdict(rss.median, TARGET_SERVER_IDLE_MB)} (<= 30)"])
    ctx.report.chart("idle RSS (MB)", "kumo server", rss.median)
    loaded = [server_under_load(ctx) for _ in range(s.memory_reps)]
    rss = ctx.report.record("memory", "server-load", "rss", "MB", [x[0] for x in loaded])
    pss = ctx.report.record("memory", "server-load", "pss", "MB", [x[1] for x in loaded])
    table.rows.append(["kumo server, Node.js no-op at 32 connections (peak)", fmt(rss, 1),
                       fmt(pss, 1), "-", "-"])
    ctx.retirer.retire_all_and_wait()
    table.notes.append("Instance: its main process (the one kumo-sandbox started) after one "
                       "call; 'instance PSS' adds every process in the instance's cgroup. Server "
                       "idle: after every instance was retired, with the run's functions "
                       "deployed. Under load: peak of samples every 100 ms.")
    ctx.report.add(table)
