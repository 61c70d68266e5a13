"""kumo as the benchmark uses it: a server on 127.0.0.1:0 with a temporary data dir, and the
Lambda API calls a user's client would make (CreateFunction, UpdateFunctionConfiguration,
Invoke) over one kept-alive connection. Single-threaded: each thread makes its own Client."""

import base64
import http.client
import io
import json
import os
import shutil
import tempfile
import threading
import time
import zipfile

from . import procs

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
API = "/2015-03-31/functions"


class Server:
    """One `kumo serve` process and its data dir, both removed by close()."""

    def __init__(self, kumo_bin, log_path=None):
        self.data_dir = tempfile.mkdtemp(prefix="kumo-bench-")
        try:
            self.proc, match = procs.start(
                [kumo_bin, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir],
                r"kumo api listening on http://([\d.]+):(\d+)", log_path=log_path)
        except Exception:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            raise
        self.host, self.port = match.group(1), int(match.group(2))
        self.pid = self.proc.pid

    def invoke_url(self, name):
        return f"http://{self.host}:{self.port}{API}/{name}/invocations"

    def client(self):
        return Client(self.host, self.port)

    def close(self):
        procs.stop(self.proc)
        shutil.rmtree(self.data_dir, ignore_errors=True)


class ApiError(Exception):
    pass


class Client:
    """A Lambda API client on one kept-alive HTTP/1.1 connection."""

    def __init__(self, host, port, timeout=60):
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def call(self, method, path, body=b"", headers=None):
        """Returns (status, headers, body bytes); reconnects once if the server closed."""
        all_headers = {"content-type": "application/json"}
        all_headers.update(headers or {})
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                resp = self.conn.getresponse()
                return resp.status, resp.headers, resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                if attempt:
                    raise
            except Exception:
                # A timed-out or half-read exchange leaves the connection unusable: start the
                # next call on a fresh one.
                self.conn.close()
                raise

    def create_function(self, name, runtime, handler, zip_bytes, env=None, memory_mb=128,
                        timeout_s=30):
        spec = {"FunctionName": name, "Runtime": runtime, "Handler": handler,
                "Code": {"ZipFile": base64.b64encode(zip_bytes).decode()},
                "MemorySize": memory_mb, "Timeout": timeout_s,
                "Environment": {"Variables": env or {}}}
        status, _, body = self.call("POST", API, json.dumps(spec).encode())
        if status not in (200, 201):
            raise ApiError(f"CreateFunction {name}: {status} {body[:300]!r}")

    def update_env(self, name, env):
        """Changes the function's environment, which retires its instances: the next call is
        a cold start (kumo has no other scale-to-zero control yet)."""
        body = json.dumps({"Environment": {"Variables": env}}).encode()
        status, _, text = self.call("PUT", f"{API}/{name}/configuration", body)
        if status != 200:
            raise ApiError(f"UpdateFunctionConfiguration {name}: {status} {text[:300]!r}")

    def invoke(self, name, payload=b"{}", tail=False):
        """Returns (status, body, log text or '')."""
        headers = {"X-Amz-Log-Type": "Tail"} if tail else {}
        status, resp_headers, body = self.call("POST", f"{API}/{name}/invocations", payload,
                                               headers)
        log = resp_headers.get("X-Amz-Log-Result", "")
        return status, body, base64.b64decode(log).decode(errors="replace") if log else ""

    def close(self):
        self.conn.close()


def zip_files(files):
    """A code bundle from {name in zip: (path on disk, executable?)}."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname, (path, executable) in files.items():
            info = zipfile.ZipInfo(arcname, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                zf.writestr(info, f.read())
    return out.getvalue()


# The no-op functions per runtime: (Lambda runtime, bundle files, no-op handler, burst handler).
def function_specs(tools_dir):
    fdir = os.path.join(BENCH_DIR, "functions")
    return {
        "python": ("python3.12", {"noop.py": (os.path.join(fdir, "python", "noop.py"), False)},
                   "noop.handler", "noop.burst"),
        "node": ("nodejs20.x", {"noop.mjs": (os.path.join(fdir, "node", "noop.mjs"), False)},
                 "noop.handler", "noop.burst"),
        "cpp": ("provided.al2023",
                {"bootstrap": (os.path.join(tools_dir, "functions", "cpp", "bootstrap"), True)},
                "noop", "burst"),
    }


LANGS = ("python", "node", "cpp")


def noop_name(lang):
    return f"bench-noop-{lang}"


def burst_name(lang):
    return f"bench-burst-{lang}"


def deploy_all(client, tools_dir):
    """Creates bench-noop-<lang> and bench-burst-<lang> for every runtime."""
    for lang, (runtime, files, noop, burst) in function_specs(tools_dir).items():
        bundle = zip_files(files)
        client.create_function(noop_name(lang), runtime, noop, bundle)
        client.create_function(burst_name(lang), runtime, burst, bundle)


class Retirer:
    """Scales functions to zero by changing a counter in their environment (kumo has no other
    scale-to-zero control yet). Single-threaded, like Client."""

    def __init__(self, client, server):
        self.client = client
        self.server = server
        self.generation = 0

    def retire(self, *names):
        self.generation += 1
        for name in names:
            self.client.update_env(name, {"BENCH_GENERATION": str(self.generation)})

    def retire_all_and_wait(self, timeout=60.0):
        """Retires every benchmark function and waits until no instance of this server is
        left (its instance cgroups are gone), so that what is measured next neither shares the
        CPU with instances shutting down nor finds one still running."""
        self.retire(*[n for lang in LANGS for n in (noop_name(lang), burst_name(lang))])
        deadline = time.monotonic() + timeout
        while instance_cgroups(self.server.pid):
            if time.monotonic() > deadline:
                raise ApiError(f"instances still running {timeout:g} s after retiring them")
            time.sleep(0.005)


def instance_cgroups(server_pid):
    """The cgroup folders of the server's live instances (kumo's cgroup v1 layout)."""
    root = f"/sys/fs/cgroup/memory/kumo/s{server_pid}"
    try:
        return {e.path for e in os.scandir(root) if e.is_dir()}
    except OSError:
        return set()


def prewarm(server, name, concurrency, rounds=2):
    """Makes `concurrency` calls at once, `rounds` times, so that kumo has started as many
    instances as a load of that concurrency keeps busy (an instance serves one call at a time).
    Throughput runs measure warm calls; cold starts have their own scenario."""
    gate = threading.Barrier(concurrency)
    failures = []

    def caller():
        client = Client(server.host, server.port, timeout=120)
        try:
            for _ in range(rounds):
                gate.wait()
                status, body, _ = client.invoke(name)
                if status != 200:
                    failures.append(f"{status} {body[:100]!r}")
        except OSError as e:
            failures.append(str(e))
        finally:
            client.close()

    threads = [threading.Thread(target=caller) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise ApiError(f"prewarm {name} at {concurrency}: {len(failures)} failed, e.g. "
                       f"{failures[0]}")
