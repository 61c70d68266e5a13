"""Scenario 6, peers: the warm, throughput and cold-start measurements against what a user could
run instead on this machine, each measured side by side with kumo's Node.js no-op in the same
loop: Cloudflare's workerd serving the equivalent worker, and serverless-offline serving the same
handler file through the same Lambda Invoke API. A peer that is not installed or does not start
gets a row saying why."""

import http.client
import os
import socket
import subprocess
import time

from .. import load, procs
from ..kumo import noop_name, prewarm
from ..report import Table, verdict
from ..stats import fmt
from . import cold

SLS_FUNCTION = "bench-dev-noop"
# For cold starts, a second serverless-offline whose idle timer drops a handler's worker after
# this many seconds; the one measured warm keeps its default (60 s) so it never drops workers
# between repetitions.
SLS_COLD_IDLE_S = 1
TARGET_RATIO = {"workerd": 2.0, "serverless-offline": 5.0}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_socket():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1024)
    return s


class Workerd:
    name = "workerd"

    def __init__(self, peers_dir):
        # The platform package's binary itself: workerd/bin/workerd is only a copy of it when
        # npm ran workerd's install script, and a JS launcher otherwise.
        self.bin = os.path.join(peers_dir, "node_modules", "@cloudflare", "workerd-linux-64",
                                "bin", "workerd")
        self.config = os.path.join(peers_dir, "workerd", "config.capnp")
        self.proc = None

    def missing(self):
        return None if os.access(self.bin, os.X_OK) else "not installed (scripts/bench.sh runs npm ci in bench/peers)"

    def _spawn(self, sock):
        return subprocess.Popen([self.bin, "serve", self.config, f"--socket-fd=http={sock.fileno()}"],
                                pass_fds=[sock.fileno()], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    def start(self):
        sock = _listening_socket()
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
        self.proc = self._spawn(sock)
        procs.track(self.proc)
        sock.close()
        self.call()  # answers once workerd has loaded the worker

    def call(self, port=None):
        port = port or int(self.url.rsplit(":", 1)[1].strip("/"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/", body=b"{}", headers={"content-type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        conn.close()
        if resp.status != 200:
            raise RuntimeError(f"workerd answered {resp.status}")

    def cold_ms(self):
        """A new workerd process: from its start to its first answer (the socket already
        listens, so the call waits for workerd exactly as a call with no instance does)."""
        sock = _listening_socket()
        t0 = time.perf_counter()
        proc = self._spawn(sock)
        procs.track(proc)
        try:
            self.call(sock.getsockname()[1])
            return (time.perf_counter() - t0) * 1000
        finally:
            sock.close()
            procs.stop(proc)


class ServerlessOffline:
    name = "serverless-offline"

    def __init__(self, peers_dir):
        self.bin = os.path.join(peers_dir, "node_modules", "serverless", "bin", "serverless.js")
        self.plugin = os.path.join(peers_dir, "node_modules", "serverless-offline")
        self.service = os.path.join(peers_dir, "serverless")

    def missing(self):
        if not os.path.exists(self.bin) or not os.path.isdir(self.plugin):
            return "not installed (scripts/bench.sh runs npm ci in bench/peers)"
        return None

    def start(self, idle_s=60):
        self.idle_s = idle_s
        port = _free_port()
        env = dict(os.environ, SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off",
                   SLS_DEPRECATION_DISABLE="*", AWS_ACCESS_KEY_ID="bench",
                   AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="us-east-1")
        env.pop("NODE_EXTRA_CA_CERTS", None)
        self.proc, _ = procs.start(
            ["/usr/bin/node", self.bin, "offline", "start", "--host", "127.0.0.1",
             "--httpPort", str(_free_port()), "--lambdaPort", str(port),
             "--terminateIdleLambdaTime", str(idle_s), "--noPrependStageInUrl"],
            r"listening on http://127\.0\.0\.1:\d+", timeout=120, env=env, cwd=self.service)
        self.port = port
        self.url = f"http://127.0.0.1:{port}/2015-03-31/functions/{SLS_FUNCTION}/invocations"
        self.call()

    def call(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("POST", f"/2015-03-31/functions/{SLS_FUNCTION}/invocations", body=b"{}",
                     headers={"content-type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        conn.close()
        if resp.status != 200:
            raise RuntimeError(f"serverless-offline answered {resp.status}")

    def cold_ms(self):
        """A call after serverless-offline dropped the handler's idle worker thread: its
        cleaner runs every idle_s seconds and drops workers idle that long, so after
        2 * idle_s + a margin none is left and the call loads the handler anew."""
        time.sleep(2 * self.idle_s + 0.2)
        t0 = time.perf_counter()
        self.call()
        return (time.perf_counter() - t0) * 1000


def _measure(ctx, subjects):
    """{subject: {"warm": [...], ("rps", c): [...], "cold": [...]}} measured in alternation."""
    s = ctx.settings
    out = {name: {} for name in subjects}
    for name, url in subjects.items():
        load.run(url, 1, max(s.warmup_seconds, 0.5))
    for _ in range(s.reps):
        for name, url in subjects.items():
            out[name].setdefault("warm", []).append(load.run(url, 1, s.warm_seconds))
    for c in s.concurrency:
        prewarm(ctx.server, noop_name("node"), c)
        for name, url in subjects.items() if s.warmup_seconds else ():
            load.run(url, c, s.warmup_seconds)
        for _ in range(s.reps):
            for name, url in subjects.items():
                r = load.run(url, c, s.load_seconds)
                out[name].setdefault(("rps", c), []).append(r["rps"])
                out[name]["errors"] = out[name].get("errors", 0) + r["errors"]
                out[name]["stalled"] = out[name].get("stalled", 0) + (r["requests"] == 0)
    return out


def run(ctx):
    s = ctx.settings
    peers = [Workerd(ctx.peers_dir), ServerlessOffline(ctx.peers_dir)]
    subjects = {"kumo Node.js": ctx.server.invoke_url(noop_name("node"))}
    why = {}
    for peer in peers:
        why[peer.name] = peer.missing()
        if why[peer.name]:
            continue
        try:
            peer.start()
            subjects[peer.name] = peer.url
        except Exception as e:
            why[peer.name] = f"did not start: {str(e)[:200]}"
    figures = _measure(ctx, subjects)
    live = [p for p in peers if p.name in subjects]
    for peer in live:
        procs.stop(peer.proc)
    colds = {name: [] for name in subjects}
    problems = []
    for peer in list(live):  # fresh processes: workerd's is per sample, serverless-offline's idles fast
        if isinstance(peer, ServerlessOffline):
            try:
                peer.start(idle_s=SLS_COLD_IDLE_S)
            except Exception as e:
                live.remove(peer)
                problems.append(f"{peer.name}: no cold starts measured, its second process did "
                                f"not start: {str(e)[:200]}")
    for _ in range(s.peer_cold_samples):
        ctx.retirer.retire_all_and_wait()
        colds["kumo Node.js"].append(cold.cold_call(ctx, "node")[0])
        for peer in live:
            colds[peer.name].append(peer.cold_ms())
    for peer in live:
        if getattr(peer, "proc", None):
            procs.stop(peer.proc)
    header = ["subject", "warm p50 us", "warm p99 us"]
    header += [f"calls/s at {c}" for c in s.concurrency]
    header += ["cold start ms", f"kumo calls/s ratio at {s.concurrency[-1]}", "target"]
    table = Table("6. Peers: kumo's Node.js no-op against workerd and serverless-offline", header)
    top = s.concurrency[-1]
    kumo_rps = figures["kumo Node.js"].get(("rps", top), [])
    for name in ["kumo Node.js"] + [p.name for p in peers]:
        if name not in subjects:
            table.rows.append([name] + [why[name]] + ["-"] * (len(header) - 2))
            ctx.report.record("peers", name, "unavailable", "", [])
            continue
        f = figures[name]
        row = [name,
               fmt(ctx.report.record("peers", name, "warm p50", "us", [r["p50_us"] for r in f["warm"]])),
               fmt(ctx.report.record("peers", name, "warm p99", "us", [r["p99_us"] for r in f["warm"]]))]
        for c in s.concurrency:
            rps = ctx.report.record("peers", name, f"calls/s c{c}", "1/s", f[("rps", c)])
            row.append(fmt(rps))
            ctx.report.chart(f"peers: calls/s at {c}", name, rps.median)
        row.append(fmt(ctx.report.record("peers", name, "cold", "ms", colds[name]), 1))
        if name == "kumo Node.js":
            row += ["-", "-"]
        else:
            ratio = ctx.report.record("peers", name, f"kumo/peer c{top}", "x",
                                      [k / p for k, p in zip(kumo_rps, f[("rps", top)]) if p])
            limit = TARGET_RATIO[name]
            row += [fmt(ratio, 2, "x"),
                    f"{verdict(ratio.median if ratio else None, limit, at_most=False)} (>= {limit:g}x)"]
        table.rows.append(row)
    for name in subjects:
        if figures[name].get("stalled"):
            problems.append(f"{name}: {figures[name]['stalled']} measured run(s) answered no "
                            f"call at all (0 calls/s is counted in the median).")
        if figures[name].get("errors"):
            problems.append(f"{name}: {figures[name]['errors']} calls failed or timed out "
                            f"(30 s) during the throughput runs.")
    table.notes.extend(problems)
    table.notes.append(f"{s.reps} repetitions, subjects alternating; cold: {s.peer_cold_samples} "
                       f"samples. kumo and serverless-offline are called through the Lambda "
                       f"Invoke API with the same handler file; workerd through its HTTP socket, "
                       f"its only interface.")
    table.notes.append("Cold start: kumo after a configuration change retired the instance; "
                       "workerd as a new process from start to first answer (it never evicts a "
                       "worker); serverless-offline (a second process with --terminateIdleLambdaTime "
                       f"{SLS_COLD_IDLE_S}) after its idle timer dropped the handler's worker "
                       f"thread.")
    ctx.report.add(table)
