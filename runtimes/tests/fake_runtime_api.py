"""A fake Lambda Runtime API for testing the shims: serves queued events, records what comes back.

Use in-process (tests) as `FakeRuntimeApi()`; `.address` goes into AWS_LAMBDA_RUNTIME_API.
Thread-safety: `push`, `wait_*` and `close` may be called from any thread; the server answers each
connection on its own thread (ThreadingHTTPServer) and all shared state sits behind `_cond`.
"""

import http.server
import itertools
import json
import socket
import threading
import time
import uuid

PREFIX = "/2018-06-01/runtime/"


class Outcome:
    """What a shim posted for one invocation (or for init when request_id is None)."""

    def __init__(self, kind, request_id, body, headers, connection_id):
        self.kind = kind  # "response", "error" or "init_error"
        self.request_id = request_id
        self.body = body  # raw bytes exactly as posted
        self.headers = headers
        self.connection_id = connection_id

    def json(self):
        return json.loads(self.body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A shim killed at teardown resets its connection; anything else is a real failure.
        import sys
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeRuntimeApi:
    def __init__(self, host="127.0.0.1"):
        self._cond = threading.Condition()
        self._events = []  # guarded by _cond: (request_id, body bytes, headers dict)
        self._outcomes = []  # guarded by _cond
        self._next_times = []  # guarded by _cond: perf_counter() of each /next arrival
        self._closed = False  # guarded by _cond
        self._ids = itertools.count(1)
        self._server = _Server((host, 0), _handler_class(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def address(self):
        host, port = self._server.server_address[:2]
        return "%s:%d" % (host, port)

    def push(self, event, request_id=None, deadline_ms=None, headers=None):
        """Queues an event (a JSON-able value or raw bytes); returns its request id."""
        request_id = request_id or str(uuid.uuid4())
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        h = {
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Deadline-Ms": str(deadline_ms or int(time.time() * 1000) + 30000),
            "Lambda-Runtime-Invoked-Function-Arn":
                "arn:aws:lambda:us-east-1:000000000000:function:test",
            "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000;Sampled=0",
        }
        h.update(headers or {})
        with self._cond:
            self._events.append((request_id, body, h))
            self._cond.notify_all()
        return request_id

    def wait_outcome(self, request_id=None, timeout=20):
        """Blocks until the shim posts for `request_id` (None: an init error); pops it."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i, o in enumerate(self._outcomes):
                    if o.request_id == request_id:
                        return self._outcomes.pop(i)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no outcome for %r" % request_id)
                self._cond.wait(left)

    def wait_next_requests(self, count, timeout=20):
        """Blocks until /next has been requested `count` times; returns their arrival times."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._next_times) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("only %d /next requests" % len(self._next_times))
                self._cond.wait(left)
            return list(self._next_times)

    def close(self):
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # Called on server threads.
    def _take_event(self):
        with self._cond:
            self._next_times.append(time.perf_counter())
            self._cond.notify_all()
            while not self._events and not self._closed:
                self._cond.wait()
            return self._events.pop(0) if self._events else None

    def _record(self, outcome):
        with self._cond:
            self._outcomes.append(outcome)
            self._cond.notify_all()


def _handler_class(api):
    connection_ids = itertools.count(1)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as kumo's Runtime API serves it

        def setup(self):
            super().setup()
            # Replies go out as one write; without NODELAY a second small write could wait
            # ~40 ms for the shim's delayed ACK and swamp every latency we measure.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.connection_id = next(connection_ids)

        def log_message(self, *args):
            pass

        def _reply(self, status, body=b"", headers=None):
            lines = ["HTTP/1.1 %d %s" % (status, self.responses.get(status, ("",))[0])]
            lines += ["%s: %s" % kv for kv in (headers or {}).items()]
            lines.append("Content-Length: %d" % len(body))
            try:
                self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            except OSError:
                # The shim was killed while waiting on /next (test teardown): nobody to answer.
                self.close_connection = True

        def do_GET(self):
            if self.path != PREFIX + "invocation/next":
                return self._reply(404)
            event = api._take_event()
            if event is None:
                return self._reply(500, b'{"errorMessage":"shutting down"}')
            _, body, headers = event
            self._reply(200, body, headers)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            path = self.path[len(PREFIX):] if self.path.startswith(PREFIX) else ""
            parts = path.split("/")
            if path == "init/error":
                kind, request_id = "init_error", None
            elif len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                kind, request_id = parts[2], parts[1]
            else:
                return self._reply(404)
            self._reply(202, b'{"status":"OK"}', {"Content-Type": "application/json"})
            api._record(Outcome(kind, request_id, body, dict(self.headers.items()),
                                self.connection_id))

    return Handler


if __name__ == "__main__":
    # Manual use: serve forever, answering every /next with {"name": "bench"}.
    import sys
    api = FakeRuntimeApi()
    print(api.address, flush=True)
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 10**9):
        rid = api.push({"name": "bench"})
        api.wait_outcome(rid, timeout=3600)
