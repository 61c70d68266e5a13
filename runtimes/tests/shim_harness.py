"""Shared test scaffolding: a fake Runtime API, a temp task root, and a shim subprocess.

Every test gets its own FakeRuntimeApi and task root; processes, the server and the temp folder
are released through addCleanup, so they go away even when an assertion fails.
"""

import os
import selectors
import shutil
import subprocess
import tempfile
import textwrap
import time
import unittest

from fake_runtime_api import FakeRuntimeApi

RUNTIMES_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ShimTestCase(unittest.TestCase):
    def setUp(self):
        self.api = FakeRuntimeApi()
        self.addCleanup(self.api.close)
        self.task_root = tempfile.mkdtemp(prefix="kumo-runtimes-test-")
        self.addCleanup(shutil.rmtree, self.task_root, True)
        self.proc = None

    def write(self, relpath, text, mode=0o644):
        path = os.path.join(self.task_root, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        os.chmod(path, mode)
        return path

    def env(self, handler, extra=None):
        """The environment kumo gives an instance (nothing inherited), task root redirected."""
        env = {
            "_HANDLER": handler,
            "LAMBDA_TASK_ROOT": self.task_root,
            "LAMBDA_RUNTIME_DIR": RUNTIMES_DIR,
            "AWS_LAMBDA_RUNTIME_API": self.api.address,
            "AWS_LAMBDA_FUNCTION_NAME": "test-fn",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/test-fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2024/01/01/[$LATEST]abc",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EXECUTION_ENV": "AWS_Lambda_test",
            "AWS_ACCESS_KEY_ID": "kumo",
            "AWS_SECRET_ACCESS_KEY": "kumo",
            "AWS_SESSION_TOKEN": "kumo",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
            "KUMO_ENDPOINT": "http://127.0.0.1:9000",
            "TZ": ":UTC",
            "LANG": "C.UTF-8",
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": "/tmp",
        }
        env.update(extra or {})
        return env

    def start(self, argv, handler, extra_env=None):
        """Starts the shim with stdout and stderr on one pipe; returns the Popen.

        A second start in one test stops the first shim and gives the new one a fresh fake API,
        so an old shim's pending /next can never take an event meant for the new one.
        """
        if self.proc is not None:
            _stop(self.proc)
            self.api = FakeRuntimeApi()
            self.addCleanup(self.api.close)
        self.start_time = time.perf_counter()
        proc = subprocess.Popen(argv, env=self.env(handler, extra_env), cwd=self.task_root,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        self.addCleanup(_stop, proc)
        self.proc = proc
        self.output = bytearray()
        return proc

    def invoke(self, event, **kw):
        """Queues `event` and returns the shim's Outcome for it."""
        rid = self.api.push(event, **kw)
        outcome = self.api.wait_outcome(rid)
        self.assertEqual(outcome.request_id, rid)
        return outcome

    def read_output_until(self, needle, timeout=10):
        """Reads the shim's stdout+stderr until `needle` (bytes) appears; returns all so far."""
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        try:
            while needle not in self.output:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    self.fail("%r never appeared in output %r" % (needle, bytes(self.output)))
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    self.fail("output ended without %r: %r" % (needle, bytes(self.output)))
                self.output += chunk
        finally:
            sel.close()
        return bytes(self.output)

    def wait_exit(self, timeout=10):
        return self.proc.wait(timeout)


def _stop(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    if proc.stdout:
        proc.stdout.close()
