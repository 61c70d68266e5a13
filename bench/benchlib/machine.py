"""What the tables state about the run: the machine and the versions measured."""

import datetime
import json
import os
import platform
import subprocess


def _first_line(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=20)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def _package_version(peers_dir, name):
    try:
        with open(os.path.join(peers_dir, "node_modules", name, "package.json")) as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return "not installed"


def describe(kumo_bin, peers_dir, load_client):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    rev = _first_line(["git", "-C", src, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", src, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores ({cpu}), {mem_kb / 1048576:.1f} GiB, "
                   f"Linux {platform.release()}",
        "kumo": rev + (" (with uncommitted changes)" if dirty else ""),
        "python": _first_line(["/usr/bin/python3", "--version"]),
        "node": _first_line(["/usr/bin/node", "--version"]),
        "workerd": _package_version(peers_dir, "workerd"),
        "serverless": _package_version(peers_dir, "serverless"),
        "serverless-offline": _package_version(peers_dir, "serverless-offline"),
        "client": load_client if load_client != "wrk" else _first_line(["wrk", "-v"]).split(" [")[0],
        "kumo_bin": kumo_bin,
    }


def preamble(info, mode):
    return (f"# kumo benchmark ({mode} run, {info['date']})\n\n"
            f"Machine: {info['machine']}. Versions: kumo {info['kumo']}, {info['python']}, "
            f"Node.js {info['node']}, workerd {info['workerd']}, serverless "
            f"{info['serverless']} + serverless-offline {info['serverless-offline']}. "
            f"Load client: {info['client']}. All traffic on 127.0.0.1.\n\n"
            f"Each cell is the median over the repetitions, with (min-max) beside it.\n")
