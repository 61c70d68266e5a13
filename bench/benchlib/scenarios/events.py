"""Scenario 7, events (issue 6): what kumo's durable event layer acknowledges and delivers under a
fixed number of kept-alive clients. Sends through the SQS JSON protocol are compared with the
disk's floor measured in the same repetition (bench/baselines/durable_writes.py: SQLite in WAL,
synchronous=FULL, one writer committing every message or every 100); receive + delete drains
what the batch sends queued; async invokes (202 once committed) are timed until all N have run,
read from the function's END log lines, beside synchronous Invoke calls of the same function
with the same clients. Every kumo figure comes from the threaded client below, one thread and
one connection per client, on the same 2 cores as kumo."""

import itertools
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from ..kumo import API, function_specs, prewarm, zip_files
from ..report import Table
from ..stats import fmt

CLIENTS = (16, 64)
ASYNC_EVENTS = 500
ASYNC_TIMEOUT_S = 30.0
MAX_RUN_S = 2.0  # 15 timed runs per repetition: a full run's 3 s would add a minute
BODY_BYTES = 1024
FUNCTION = "bench-events-python"
BASELINE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "baselines", "durable_writes.py")


class RawHttp:
    """One kept-alive HTTP/1.1 connection with as little client CPU per call as Python allows
    (http.client's header parsing would cost more than kumo's share). Answers must carry
    Content-Length, as kumo's do. One thread per object."""

    def __init__(self, host, port, timeout=20.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.sock = None
        self.buf = b""

    def _connect(self):
        self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def call(self, method, path, body=b"", headers=""):
        """Returns (status, {lower-case header: value}, body); raises OSError on a broken
        connection, after which the next call reconnects."""
        if self.sock is None:
            self._connect()
        try:
            self.sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{headers}"
                              f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            while (end := self.buf.find(b"\r\n\r\n")) < 0:
                self._recv()
            lines = self.buf[:end].decode("latin-1").split("\r\n")
            fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            fields = {k.lower(): v for k, v in fields.items()}
            size = int(fields.get("content-length", "0"))
            while len(self.buf) < end + 4 + size:
                self._recv()
            data, self.buf = self.buf[end + 4:end + 4 + size], self.buf[end + 4 + size:]
            return int(lines[0].split(" ", 2)[1]), fields, data
        except (OSError, ValueError, IndexError) as e:
            self.close()
            raise OSError(f"{method} {path.split('?')[0]}: {e or type(e).__name__} (kumo did not "
                          f"answer within {self.timeout:g} s or closed the connection)") from e

    def _recv(self):
        chunk = self.sock.recv(262144)
        if not chunk:
            raise OSError("connection closed")
        self.buf += chunk

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


SQS_HEADERS = "Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.{}\r\n"


def sqs(conn, action, payload):
    status, _, body = conn.call("POST", "/", payload.encode(), SQS_HEADERS.format(action))
    return status, body


def closed_loop(server, clients, seconds, step):
    """Each client calls step(conn, client index) until `seconds` pass or step returns None
    (nothing left to do). step returns how many messages its call completed. Returns
    (messages per second, failed calls)."""
    gate = threading.Barrier(clients + 1)
    done, failed, finished = [0] * clients, [0] * clients, [0.0] * clients
    stop_at = [0.0]

    def client(i):
        conn = RawHttp(server.host, server.port)
        gate.wait()
        while time.perf_counter() < stop_at[0]:
            try:
                n = step(conn, i)
            except OSError:
                failed[i] += 1
                continue
            if n is None:
                break
            done[i] += n
        finished[i] = time.perf_counter()
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    gate.wait()
    for t in threads:
        t.join()
    elapsed = max(finished) - began
    return (sum(done) / elapsed if elapsed > 0 else 0.0), sum(failed)


def baseline_rate(work_dir, seconds, batch):
    """Durable 1 KB messages/s of one SQLite writer committing every `batch` messages."""
    db_dir = tempfile.mkdtemp(prefix="durable-", dir=work_dir)
    try:
        out = subprocess.run(["/usr/bin/python3", BASELINE, os.path.join(db_dir, "q.db"),
                              str(seconds), str(batch)], capture_output=True, text=True,
                             timeout=seconds + 60, check=True).stdout
        return json.loads(out)["rate"]
    finally:
        shutil.rmtree(db_dir, ignore_errors=True)


class Queues:
    """Creates queues for one measurement and deletes them (and their messages) afterwards."""

    def __init__(self, server):
        self.conn = RawHttp(server.host, server.port)
        self.made = []

    def create(self, name):
        status, body = sqs(self.conn, "CreateQueue", json.dumps({"QueueName": name}))
        if status != 200:
            raise RuntimeError(f"CreateQueue {name}: {status} {body[:200]!r}")
        url = json.loads(body)["QueueUrl"]
        self.made.append(url)
        return url

    def delete_all(self):
        for url in self.made:
            sqs(self.conn, "DeleteQueue", json.dumps({"QueueUrl": url}))
        self.made.clear()


def message_body(filler, client, seq):
    head = f"{client:03d}-{seq:010d}-"
    return head + filler[len(head):]  # distinct, BODY_BYTES long, JSON-safe (hex)


def send_step(url, batch):
    """A closed_loop step sending `batch` distinct 1 KB messages (SendMessage when 1)."""
    filler = os.urandom(BODY_BYTES // 2).hex()
    counters = itertools.count()

    def one(conn, i):
        if batch == 1:
            body = message_body(filler, i, next(counters))
            status, _ = sqs(conn, "SendMessage",
                            f'{{"QueueUrl":"{url}","MessageBody":"{body}"}}')
            return 1 if status == 200 else _fail(status)
        bodies = [message_body(filler, i, next(counters)) for _ in range(batch)]
        entries = ",".join(f'{{"Id":"m{k}","MessageBody":"{b}"}}' for k, b in enumerate(bodies))
        status, text = sqs(conn, "SendMessageBatch",
                           f'{{"QueueUrl":"{url}","Entries":[{entries}]}}')
        if status != 200:
            return _fail(status)
        return batch if b'"Failed":[]' in text else len(json.loads(text)["Successful"])

    return one


def receive_delete_step(url):
    """A closed_loop step receiving up to 10 messages and deleting them in one batch."""
    receive = f'{{"QueueUrl":"{url}","MaxNumberOfMessages":10,"WaitTimeSeconds":0}}'

    def one(conn, _):
        status, text = sqs(conn, "ReceiveMessage", receive)
        if status != 200:
            return _fail(status)
        messages = json.loads(text).get("Messages", [])
        if not messages:
            return None  # drained (or what is left is in other clients' hands)
        entries = [{"Id": str(k), "ReceiptHandle": m["ReceiptHandle"]}
                   for k, m in enumerate(messages)]
        status, text = sqs(conn, "DeleteMessageBatch",
                           json.dumps({"QueueUrl": url, "Entries": entries}))
        if status != 200:
            return _fail(status)
        return len(json.loads(text)["Successful"])

    return one


def _fail(status):
    raise OSError(f"status {status}")


class LogCursor:
    """Follows the function's log (GET /kumo/v1/functions/NAME/logs) from where it was last
    read, collecting the request ids of END lines."""

    def __init__(self, server, name):
        self.conn = RawHttp(server.host, server.port)
        self.path = f"/kumo/v1/functions/{name}/logs"
        self.after = 0
        self.lines_read = 0

    def read(self, wait_s):
        status, _, body = self.conn.call(
            "GET", f"{self.path}?after={self.after}&limit=10000&wait={wait_s}")
        if status != 200:
            raise RuntimeError(f"logs: {status} {body[:200]!r}")
        doc = json.loads(body)
        self.after = doc["nextSeq"] - 1
        self.lines_read = len(doc["events"])
        return [e["requestId"] for e in doc["events"] if e["message"].startswith("END ")]

    def skip_to_end(self):
        self.read(0)
        while self.lines_read:
            self.read(0)


def async_run(server, cursor, clients):
    """Sends ASYNC_EVENTS Event invokes over `clients` connections and follows the log until all
    have run. Returns (acknowledged/s, processed/s or None, ms until all ran or None, failed
    calls, acknowledged events that did not run)."""
    cursor.skip_to_end()
    path = f"{API}/{FUNCTION}/invocations"
    tickets = itertools.count()
    acked, failed = set(), [0]
    gate = threading.Barrier(clients + 1)
    last_ack = [0.0]

    def client():
        conn = RawHttp(server.host, server.port)
        gate.wait()
        while next(tickets) < ASYNC_EVENTS:
            try:
                status, fields, _ = conn.call("POST", path, b"{}",
                                              "X-Amz-Invocation-Type: Event\r\n")
            except OSError:
                failed[0] += 1
                continue
            if status == 202:
                acked.add(fields.get("x-amzn-requestid"))
                last_ack[0] = max(last_ack[0], time.perf_counter())
            else:
                failed[0] += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    gate.wait()
    ended, all_ran, last_end = set(), None, 0.0
    deadline = began + ASYNC_TIMEOUT_S
    while time.perf_counter() < deadline:
        new = cursor.read(1)
        if new:
            last_end = time.perf_counter()
            ended.update(new)
        if not any(t.is_alive() for t in threads) and acked <= ended:
            all_ran = last_end - began
            break
    for t in threads:
        t.join()
    missing = len(acked - ended)
    ack_rate = len(acked) / (last_ack[0] - began) if acked else 0.0
    if all_ran is None or missing:
        return ack_rate, None, None, failed[0], missing
    return ack_rate, len(acked) / all_ran, all_ran * 1000, failed[0], 0


def sync_step(path):
    """A closed_loop step making one synchronous Invoke."""
    def one(conn, _):
        status, _, _ = conn.call("POST", path, b"{}")
        return 1 if status == 200 else _fail(status)
    return one


def measure_queues(ctx, reps, seconds, work_dir):
    """({(subject, clients; 0 for the baselines): [msgs/s per repetition]}, failed calls),
    the baselines and kumo alternating within each repetition."""
    runs, failed = {}, 0
    queues = Queues(ctx.server)
    try:
        for rep in range(reps):
            for batch, commit_every in ((1, 1), (10, 100)):
                runs.setdefault((f"commit-{commit_every}", 0), []).append(
                    baseline_rate(work_dir, seconds, commit_every))
                for clients in CLIENTS:
                    url = queues.create(f"bench-events-{rep}-{batch}-{clients}")
                    steps = [(f"send-{batch}", send_step(url, batch))]
                    if batch == 10:  # drains what the batch sends queued
                        steps.append(("receive-delete", receive_delete_step(url)))
                    for key, step in steps:
                        rate, bad = closed_loop(ctx.server, clients, seconds, step)
                        runs.setdefault((key, clients), []).append(rate)
                        failed += bad
                    queues.delete_all()
    finally:
        queues.delete_all()
        queues.conn.close()
    return runs, failed


def measure_async(ctx, reps, seconds):
    """({(subject, clients): [figure per repetition]}, failed calls, events that never ran);
    async and synchronous calls alternate within each repetition."""
    runs, failed, missing = {}, 0, 0
    cursor = LogCursor(ctx.server, FUNCTION)
    prewarm(ctx.server, FUNCTION, max(CLIENTS))
    try:
        for _ in range(reps):
            for clients in CLIENTS:
                ack, done, ms, bad, lost = async_run(ctx.server, cursor, clients)
                rate, bad_sync = closed_loop(ctx.server, clients, seconds,
                                             sync_step(f"{API}/{FUNCTION}/invocations"))
                for key, value in (("event-ack", ack), ("event-done", done), ("event-ms", ms),
                                   ("sync", rate)):
                    runs.setdefault((key, clients), []).append(value)
                failed, missing = failed + bad + bad_sync, missing + lost
    finally:
        cursor.conn.close()
    return runs, failed, missing


# Rows per client count: (label, kumo figure, baseline figure, what the baseline is).
ROWS = [("SendMessage 1 KB, acknowledged msgs/s", "send-1", "commit-1",
         "SQLite WAL FULL, 1 commit per message"),
        ("SendMessageBatch of 10 x 1 KB, acknowledged msgs/s", "send-10", "commit-100",
         "SQLite WAL FULL, 1 commit per 100 messages"),
        ("ReceiveMessage 10 + DeleteMessageBatch, msgs/s", "receive-delete", None, "-"),
        ("Event invoke, acknowledged (202)/s", "event-ack", "sync", "synchronous Invoke, calls/s"),
        (f"{ASYNC_EVENTS} Event invokes until all ran, events/s", "event-done", "sync",
         "synchronous Invoke, calls/s"),
        (f"{ASYNC_EVENTS} Event invokes until all ran, ms", "event-ms", None, "-")]


def fill_table(ctx, table, runs):
    """One row per ROWS entry and client count; ratios are taken within each repetition."""
    for clients in CLIENTS:
        for label, key, base_key, base_label in ROWS:
            kumo = runs[key, clients]
            base = runs.get((base_key, 0)) or runs.get((base_key, clients))
            cell = ctx.report.record("events", f"kumo-{key}-c{clients}", key, "", kumo)
            base_cell = ratio = None
            if base:
                base_cell = ctx.report.record("events", f"baseline-{base_key}-c{clients}",
                                              base_key, "", base)
                ratio = ctx.report.record("events", f"ratio-{key}-c{clients}", "kumo/baseline",
                                          "x", [k / b if k is not None and b else None
                                                for k, b in zip(kumo, base)])
            table.rows.append([label, clients, fmt(cell), base_label, fmt(base_cell),
                               fmt(ratio, 2, "x")])
            if key != "event-ms" and cell:
                ctx.report.chart(f"events at {clients} clients (per s)", f"kumo {key}",
                                 cell.median)


def run(ctx):
    s = ctx.settings
    runtime, files, handler, _ = function_specs(ctx.tools_dir)["python"]
    ctx.client.create_function(FUNCTION, runtime, handler, zip_files(files))
    work_dir = os.path.dirname(ctx.server.data_dir)  # the baseline writes to kumo's disk
    seconds = min(s.load_seconds, MAX_RUN_S)
    runs, failed = measure_queues(ctx, s.reps, seconds, work_dir)
    async_runs, async_failed, missing = measure_async(ctx, s.reps, seconds)
    # Not on failure: a server that stopped answering would only hide the first error.
    ctx.retirer.retire(FUNCTION)
    ctx.retirer.retire_all_and_wait()
    runs.update(async_runs)
    table = Table("7. Events: durable queue sends, receive + delete, async invokes",
                  ["measure", "clients", "kumo", "baseline (same run)", "baseline",
                   "kumo / baseline"])
    fill_table(ctx, table, runs)
    if failed or async_failed:
        table.notes.append(f"Failed calls (socket error or unexpected status): {failed} SQS, "
                           f"{async_failed} Invoke.")
    if missing:
        table.notes.append(f"{missing} acknowledged events had not run within "
                           f"{ASYNC_TIMEOUT_S:g} s: their repetitions show no figure.")
    table.notes.append(
        f"{s.reps} repetition(s) of {seconds:g} s per timed run, kumo and the baseline "
        f"alternating; ratios are taken within each repetition. Clients: one Python thread and "
        f"kept-alive connection each (bench/benchlib/scenarios/events.py), on the same 2 cores "
        f"as kumo, so client CPU limits the higher rates as much as kumo does.")
    table.notes.append(
        "Baseline: bench/baselines/durable_writes.py, one Python writer inserting distinct 1 KB "
        "bodies into SQLite (WAL, synchronous=FULL) on the disk holding kumo's data dir. "
        "Receive + delete drains the queue the batch sends filled, until it is empty or the "
        "time is up.")
    table.notes.append(
        f"Async: {ASYNC_EVENTS} `X-Amz-Invocation-Type: Event` invokes of a no-op Python function "
        f"({FUNCTION}) spread over the clients; acknowledged/s counts 202s until the last one, "
        f"'all ran' is the time from the first send until every acknowledged request id had an "
        f"END line in GET /kumo/v1/functions/{FUNCTION}/logs. Synchronous Invoke: the same "
        f"function and clients, timed run. The function was pre-warmed with "
        f"{max(CLIENTS)} simultaneous calls.")
    ctx.report.add(table)
