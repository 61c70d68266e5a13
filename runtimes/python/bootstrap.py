"""kumo's Python runtime shim: runs a handler behind the Lambda Runtime API.

kumo starts it as `/usr/bin/python3 -I -S /opt/kumo/python/bootstrap.py` inside an instance. It
loads `_HANDLER` ("module.function", "pkg/sub.module.function") from LAMBDA_TASK_ROOT, then loops
on /invocation/next and posts each result or error. One thread, one kept-alive connection.

Start-up time is the point of most choices here (measured on Debian 12's python3.11):
- `http.client` costs ~30 ms to import (it pulls in email and ssl), so the client is a small
  HTTP/1.1 reader on `_socket`; `socket.py` alone adds ~5 ms through enum.
- `json` costs ~8 ms to import because json.decoder compiles regexes; the C accelerator `_json`
  it wraps needs none of that, so we drive `_json` directly and fall back to `json` if the
  private API ever changes shape.
- `-S` skips site (~3 ms) and we add Debian's dist-packages ourselves so boto3 stays importable.
"""

import os
import sys

# -I leaves the script's folder off sys.path; put it there only while importing our helpers so
# a user module can never be shadowed by them (or shadow them).
sys.path.insert(0, os.path.dirname(__file__))
import kumo_client  # noqa: E402
import kumo_context  # noqa: E402
import kumo_endpoints  # noqa: E402
import kumo_json  # noqa: E402
del sys.path[0]


def _add_site_dirs():
    # -S skipped site.py; these are the folders Debian's site adds (boto3 lives in the second).
    ver = "python%d.%d" % sys.version_info[:2]
    for d in ("/usr/local/lib/%s/dist-packages" % ver, "/usr/lib/python3/dist-packages",
              "/usr/lib/%s/dist-packages" % ver):
        if d not in sys.path and os.path.isdir(d):
            sys.path.append(d)


def _error(message, error_type, stack_trace=None, request_id=None):
    body = {"errorMessage": message, "errorType": error_type, "stackTrace": stack_trace or []}
    if request_id is not None:
        body["requestId"] = request_id
    return body


def _user_frames(tb):
    """Formatted frames of `tb` without the shim's own frames, like AWS's shim prints them."""
    import traceback  # Lazy: ~10 ms, only paid once a handler actually fails.
    frames = traceback.extract_tb(tb)
    me = __file__
    while frames and frames[0].filename == me:
        frames = frames[1:]
    return traceback.format_list(frames)


def _log_error(body):
    trace = "".join(body["stackTrace"])
    sys.stderr.write("[ERROR] %s: %s\nTraceback (most recent call last):\n%s" % (
        body["errorType"], body["errorMessage"], trace))
    sys.stderr.flush()


class InitError(Exception):
    def __init__(self, body):
        super().__init__(body["errorMessage"])
        self.body = body


def _load_handler(spec):
    modname, dot, fname = spec.rpartition(".")
    if not dot or not modname or not fname:
        raise InitError(_error("Bad handler '%s': not enough values to unpack (expected 2, got 1)"
                               % spec, "Runtime.MalformedHandlerName"))
    dotted = modname.replace("/", ".")
    try:
        __import__(dotted)
        module = sys.modules[dotted]
    except ImportError as e:
        raise InitError(_error("Unable to import module '%s': %s" % (modname, e),
                               "Runtime.ImportModuleError"))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise InitError(_error("Syntax error in module '%s': %s" % (modname, e),
                               "Runtime.UserCodeSyntaxError", trace))
    except Exception as e:
        raise InitError(_error(str(e), type(e).__name__, _user_frames(e.__traceback__)))
    try:
        return getattr(module, fname)
    except AttributeError:
        raise InitError(_error("Handler '%s' missing on module '%s'" % (fname, modname),
                               "Runtime.HandlerNotFound"))


def _serve(client, handler, env):
    loads, dumps = kumo_json.loads, kumo_json.dumps
    flush = sys.stdout.flush
    make_context = kumo_context.Factory(env)
    environ = os.environ
    while True:
        headers, body = client.next_invocation()
        request_id = headers.get(b"lambda-runtime-aws-request-id", b"").decode()
        trace_id = headers.get(b"lambda-runtime-trace-id")
        if trace_id is not None:
            environ["_X_AMZN_TRACE_ID"] = trace_id.decode()
        try:
            result = handler(loads(body), make_context(request_id, headers))
        except Exception as e:
            err = _error(str(e), type(e).__name__, _user_frames(e.__traceback__), request_id)
            _log_error(err)
            flush()
            client.post_error(request_id, err)
            continue
        flush()
        try:
            payload = dumps(result)
        except Exception as e:
            err = _error("Unable to marshal response: %s" % e, "Runtime.MarshalError",
                         None, request_id)
            _log_error(err)
            client.post_error(request_id, err)
            continue
        client.post_response(request_id, payload)


def main():
    env = os.environ
    # kumo reads our stdout through a pipe; line buffering makes print() lines arrive in order
    # with stderr and be tagged with the invocation that printed them.
    sys.stdout.reconfigure(line_buffering=True)
    if sys.flags.no_site:
        _add_site_dirs()
    task_root = env.get("LAMBDA_TASK_ROOT", "/var/task")
    sys.path.insert(0, task_root)
    # Before the user's module: Debian's botocore must see AWS_ENDPOINT_URL from its first client.
    kumo_endpoints.install()
    client = kumo_client.RuntimeClient(env["AWS_LAMBDA_RUNTIME_API"])
    try:
        handler = _load_handler(env.get("_HANDLER", ""))
    except InitError as e:
        _log_error(e.body)
        client.post_init_error(e.body)
        sys.exit(1)
    _serve(client, handler, env)


if __name__ == "__main__":
    main()
