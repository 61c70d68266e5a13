"""Client side of the Lambda Runtime API over one kept-alive HTTP/1.1 connection.

Written on `_socket` rather than http.client: http.client costs ~30 ms to import (email, ssl) and
parses headers through email.parser on every response. This reader handles what the Runtime API
sends (Content-Length or chunked bodies, keep-alive, Connection: close). Single-threaded use only.
"""

import _socket

_PREFIX = "/2018-06-01/runtime/"
_ERROR_HEADERS = b"Content-Type: application/json\r\nLambda-Runtime-Function-Error-Type: "


class RuntimeApiError(Exception):
    pass


class RuntimeClient:
    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self._host = host.strip("[]")
        self._port = int(port)
        self._host_header = ("Host: %s\r\n" % address).encode("latin-1")
        self._sock = None
        self._buf = bytearray()

    def next_invocation(self):
        """Blocks until kumo hands over an event; returns (headers, body bytes)."""
        status, headers, body = self._request(b"GET", _PREFIX + "invocation/next")
        if status != 200:
            raise RuntimeApiError("GET /invocation/next: HTTP %d %r" % (status, body[:200]))
        return headers, body

    def post_response(self, request_id, payload):
        self._post("invocation/%s/response" % request_id, payload, b"")

    def post_error(self, request_id, error):
        self._post("invocation/%s/error" % request_id, _dump(error), _error_header(error))

    def post_init_error(self, error):
        self._post("init/error", _dump(error), _error_header(error))

    def _post(self, path, body, extra_headers):
        status, _, reply = self._request(b"POST", _PREFIX + path, body, extra_headers)
        if status >= 300:
            # kumo refused (invocation already timed out, say); the next /next still works.
            import sys
            sys.stderr.write("kumo runtime: POST %s: HTTP %d %r\n" % (path, status, reply[:200]))

    def _connect(self):
        err = None
        for family, kind, proto, _, addr in _socket.getaddrinfo(
                self._host, self._port, 0, _socket.SOCK_STREAM):
            sock = _socket.socket(family, kind, proto)
            try:
                sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
                sock.connect(addr)
                return sock
            except OSError as e:
                sock.close()
                err = e
        raise err or OSError("cannot resolve %s" % self._host)

    def _request(self, method, path, body=b"", extra_headers=b""):
        head = b"%s %s HTTP/1.1\r\n%s%sContent-Length: %d\r\n\r\n" % (
            method, path.encode("latin-1"), self._host_header, extra_headers, len(body))
        reused = self._sock is not None
        try:
            return self._exchange(head, body)
        except (ConnectionError, _EmptyReply):
            if not reused:
                raise
        # The server closed the idle connection before reading our request: retry once fresh.
        return self._exchange(head, body)

    def _exchange(self, head, body):
        if self._sock is None:
            self._sock = self._connect()
            self._buf.clear()
        sock = self._sock
        try:
            if len(body) < 65536:
                sock.sendall(head + body)
            else:
                sock.sendall(head)
                sock.sendall(body)
            return self._read_response()
        except BaseException:
            self._close()
            raise

    def _close(self):
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _fill(self):
        chunk = self._sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("kumo closed the Runtime API connection")
        self._buf += chunk

    def _read_response(self):
        buf = self._buf
        end = buf.find(b"\r\n\r\n")
        while end < 0:
            try:
                self._fill()
            except ConnectionResetError:
                if not buf:
                    raise _EmptyReply() from None
                raise
            end = buf.find(b"\r\n\r\n")
        lines = bytes(buf[:end]).split(b"\r\n")
        del buf[:end + 4]
        status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = self._read_chunked()
        else:
            body = self._read_exact(int(headers.get(b"content-length", b"0")))
        if headers.get(b"connection", b"").lower() == b"close":
            self._close()
        return status, headers, body

    def _read_exact(self, n):
        buf = self._buf
        while len(buf) < n:
            self._fill()
        body = bytes(buf[:n])
        del buf[:n]
        return body

    def _read_line(self):
        buf = self._buf
        end = buf.find(b"\r\n")
        while end < 0:
            self._fill()
            end = buf.find(b"\r\n")
        line = bytes(buf[:end])
        del buf[:end + 2]
        return line

    def _read_chunked(self):
        parts = []
        while True:
            size = int(self._read_line().split(b";", 1)[0], 16)
            if size == 0:
                while self._read_line():  # trailers, then the empty line
                    pass
                return b"".join(parts)
            parts.append(self._read_exact(size))
            self._read_exact(2)


class _EmptyReply(Exception):
    """The connection closed before any byte of a response arrived."""


def _error_header(error):
    kind = str(error.get("errorType", "Unhandled")).encode("latin-1", "replace")
    return _ERROR_HEADERS + kind.replace(b"\r", b"").replace(b"\n", b"") + b"\r\n"


def _dump(error):
    import kumo_json
    try:
        return kumo_json.dumps(error)
    except (TypeError, ValueError):
        return kumo_json.dumps({k: str(v) for k, v in error.items()})
