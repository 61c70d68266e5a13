#!/usr/bin/python3
"""kumo's benchmark orchestrator (issue 3). Starts kumo and the bare servers on 127.0.0.1,
deploys the no-op functions, runs the scenarios side by side, and writes Markdown tables,
results.csv and chart.png. scripts/bench.sh installs what it needs and calls this; the
bench_smoke ctest calls it with --mode smoke. See bench/README.md.

Usage: run.py --mode {smoke,quick,full} --kumo BUILD/kumo --tools-dir BUILD/bench
              [--results-dir DIR] [--peers-dir bench/peers] [--only warm,cold,...]
"""

import argparse
import datetime
import os
import shutil
import signal
import sys
import time
import traceback
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import baselines, kumo, load, machine, procs  # noqa: E402
from benchlib.report import Report, Table  # noqa: E402
from benchlib.scenarios import burst, cold, events, memory, peers, throughput, warm  # noqa: E402
from benchlib.settings import MODES  # noqa: E402

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = [("warm", warm), ("throughput", throughput), ("cold", cold), ("burst", burst),
             ("memory", memory), ("peers", peers), ("events", events)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mode", choices=sorted(MODES), default="full")
    p.add_argument("--kumo", required=True, help="the kumo binary to measure")
    p.add_argument("--tools-dir", required=True,
                   help="where bench/CMakeLists.txt put its binaries (BUILD/bench)")
    p.add_argument("--results-dir", help="default: bench/results/<UTC timestamp>")
    p.add_argument("--peers-dir", default=os.path.join(BENCH_DIR, "peers"))
    p.add_argument("--only", help="comma-separated scenarios to run (default: all)")
    p.add_argument("--kumo-rev", help="what to call the kumo measured (default: the git "
                   "revision of this tree), for a binary built from elsewhere")
    return p.parse_args()


def check_inputs(args):
    needed = [args.kumo, os.path.join(args.tools_dir, "bench_cpp_server"),
              os.path.join(args.tools_dir, "bench_empty_main"),
              os.path.join(args.tools_dir, "functions", "cpp", "bootstrap")]
    missing = [p for p in needed if not os.access(p, os.X_OK)]
    if missing:
        sys.exit(f"bench: missing {', '.join(missing)}: build kumo and the bench_tools target")


def failure_table(name, error):
    table = Table(f"{name}: FAILED", ["scenario", "error"])
    table.rows.append([name, str(error).replace("|", "/").replace("\n", " ")[:400]])
    return table


def main():
    args = parse_args()
    check_inputs(args)
    settings = MODES[args.mode]
    wanted = [n for n, _ in SCENARIOS] if not args.only else args.only.split(",")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    out_dir = args.results_dir or os.path.join(BENCH_DIR, "results", stamp)
    # SIGTERM (ctest's timeout, a Ctrl-C in bench.sh) must still stop what we started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load.allow_wrk = settings.use_wrk
    report = Report()
    info = machine.describe(args.kumo, args.peers_dir, load.client_name())
    if args.kumo_rev:
        info["kumo"] = args.kumo_rev
    print(machine.preamble(info, args.mode), flush=True)
    began = time.monotonic()
    failed = []
    server = None
    try:
        os.makedirs(out_dir, exist_ok=True)
        server = kumo.Server(args.kumo, log_path=os.path.join(out_dir, "kumo.log"))
        client = server.client()
        kumo.deploy_all(client, args.tools_dir)
        bare_urls, _ = baselines.start_all(args.tools_dir, kumo.LANGS)
        ctx = types.SimpleNamespace(settings=settings, server=server, client=client,
                                    retirer=kumo.Retirer(client, server), tools_dir=args.tools_dir,
                                    bare_urls=bare_urls, report=report,
                                    peers_dir=args.peers_dir, throughput={}, cold={},
                                    info=info)
        for name, module in SCENARIOS:
            if name not in wanted:
                continue
            t0 = time.monotonic()
            try:
                module.run(ctx)
            except Exception as e:  # one broken scenario must not hide the others' tables
                traceback.print_exc()
                failed.append(name)
                report.add(failure_table(name, e))
            print(f"[{name} took {time.monotonic() - t0:.1f} s]\n", flush=True)
    finally:
        procs.stop_all()
        if server:
            server.close()
    chart_note = report.write(out_dir, machine.preamble(info, args.mode))
    if chart_note:
        print(chart_note)
    if args.mode == "full" and not args.results_dir:
        shutil.copy(os.path.join(out_dir, "results.md"),
                    os.path.join(BENCH_DIR, "results", "latest.md"))
    print(f"bench: wrote {out_dir}/results.md, results.csv"
          f"{'' if chart_note else ', chart.png'} in {time.monotonic() - began:.0f} s")
    if len(report.tables) != len(wanted):
        print(f"bench: {len(report.tables)} tables for {len(wanted)} scenarios", file=sys.stderr)
        return 1
    if failed:
        print(f"bench: scenarios failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
