"""Starting and stopping the processes a benchmark measures. Every process started here is
recorded and stopped by pid (SIGTERM, then SIGKILL) by stop_all, which run.py calls on every
exit path. Single-threaded use: the orchestrator's main thread only."""

import os
import threading
import re
import select
import signal
import subprocess
import time

_started = []


class StartError(Exception):
    """A process did not come up; the message says why (its last output)."""


def start(argv, ready_pattern, timeout=30.0, env=None, cwd=None, pass_fds=(), log_path=None):
    """Starts argv in its own process group and waits for a line of its output that matches
    ready_pattern. Returns (Popen, match). Output after that keeps being read, so that a chatty
    server never blocks on a full pipe, and is appended to log_path if given."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                            cwd=cwd, pass_fds=pass_fds, start_new_session=True)
    _started.append(proc)
    pattern = re.compile(ready_pattern)
    deadline = time.monotonic() + timeout
    seen = []
    buf = b""
    fd = proc.stdout.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for raw in lines:
            line = raw.decode(errors="replace")
            seen.append(line)
            match = pattern.search(line)
            if match:
                _drain(proc, log_path, "\n".join(seen) + "\n" + buf.decode(errors="replace"))
                return proc, match
    stop(proc)
    tail = " | ".join(seen[-5:]) or "no output"
    raise StartError(f"{os.path.basename(argv[0])} did not start: {tail}")


def track(proc):
    """Puts a process started elsewhere under stop_all's care."""
    _started.append(proc)
    return proc


def _drain(proc, log_path, so_far):
    """Keeps reading proc's output on a daemon thread so the pipe never fills."""

    def loop():
        log = open(log_path, "a") if log_path else None
        try:
            if log:
                log.write(so_far)
            while chunk := proc.stdout.read1(65536):
                if log:
                    log.write(chunk.decode(errors="replace"))
        except (OSError, ValueError):
            pass
        finally:
            if log:
                log.close()

    threading.Thread(target=loop, daemon=True).start()


def stop(proc, grace=10.0):
    """Stops one process we started: SIGTERM, wait up to grace seconds, then SIGKILL."""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        except ProcessLookupError:
            pass
    if proc in _started:
        _started.remove(proc)


def stop_all():
    for proc in list(_started):
        stop(proc)
