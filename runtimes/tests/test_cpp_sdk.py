"""Tests of the C++ function SDK (runtimes/cpp) through examples/cpp-hello and a test bootstrap.

ctest passes the binaries in KUMO_CPP_HELLO and KUMO_CPP_TEST_BOOTSTRAP; by hand:
  KUMO_CPP_HELLO=build/examples/cpp-hello/bootstrap \
  KUMO_CPP_TEST_BOOTSTRAP=build/kumo_lambda_test_bootstrap /usr/bin/python3 runtimes/tests/test_cpp_sdk.py
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shim_harness import ShimTestCase  # noqa: E402

HELLO = os.path.abspath(os.environ.get("KUMO_CPP_HELLO", "/nonexistent"))
TEST_BOOTSTRAP = os.path.abspath(os.environ.get("KUMO_CPP_TEST_BOOTSTRAP", "/nonexistent"))


@unittest.skipUnless(os.access(HELLO, os.X_OK) and os.access(TEST_BOOTSTRAP, os.X_OK),
                     "set KUMO_CPP_HELLO and KUMO_CPP_TEST_BOOTSTRAP to the built binaries")
class CppSdkTest(ShimTestCase):
    def test_example_success_and_warm_counter(self):
        self.start([HELLO], "")
        for i, name in enumerate(["ana", None, "cy"], start=1):
            out = self.invoke({"name": name} if name else {})
            self.assertEqual(out.kind, "response", out.body)
            self.assertEqual(out.json(), {"message": "hello " + (name or "world"), "count": i})
        self.read_output_until(b"hello called for cy request ")

    def test_example_failure_path(self):
        self.start([HELLO], "")
        out = self.invoke({"name": 42})
        self.assertEqual(out.kind, "error")
        self.assertEqual(out.headers["Lambda-Runtime-Function-Error-Type"], "InvalidEvent")
        self.assertEqual(out.json(), {"errorType": "InvalidEvent",
                                      "errorMessage": "name must be a string", "stackTrace": []})
        # Failures do not consume the counter or the process.
        self.assertEqual(self.invoke({}).json()["count"], 1)

    def test_connection_is_kept_alive(self):
        self.start([HELLO], "")
        self.assertEqual(len({self.invoke({}).connection_id for _ in range(5)}), 1)

    def test_large_and_unicode_payload_round_trip(self):
        self.start([TEST_BOOTSTRAP], "echo")
        event = {"blob": "x" * 300000, "text": "\u00e9\u6f22\"\\\n"}
        self.assertEqual(self.invoke(event).json(), event)
        self.read_output_until(b"echo ")

    def test_exception_becomes_error_with_type(self):
        self.start([TEST_BOOTSTRAP], "throw")
        err = self.invoke({}).json()
        self.assertEqual(err["errorType"], "std::out_of_range")
        self.assertEqual(err["errorMessage"], "index 7 out of range")
        self.assertEqual(self.invoke({}).kind, "error")  # the process lives on

    def test_invocation_fields(self):
        self.start([TEST_BOOTSTRAP], "context")
        deadline = int(time.time() * 1000) + 3000
        got = self.invoke({}, request_id="req-c", deadline_ms=deadline,
                          headers={"Lambda-Runtime-Client-Context": '{"custom":{}}'}).json()
        remaining = got.pop("remaining_ms")
        self.assertTrue(0 < remaining <= 3000, remaining)
        trace = "Root=1-00000000-000000000000000000000000;Sampled=0"
        self.assertEqual(got, {
            "request_id": "req-c",
            "function_arn": "arn:aws:lambda:us-east-1:000000000000:function:test",
            "trace_id": trace, "env_trace_id": trace,
            "client_context": '{"custom":{}}', "deadline_ms": deadline})

    def test_init_error(self):
        self.start([TEST_BOOTSTRAP], "init_error")
        out = self.api.wait_outcome(None)
        self.assertEqual(out.json(), {"errorType": "Config.Missing",
                                      "errorMessage": 'TABLE_NAME is not "set"',
                                      "stackTrace": []})
        self.assertEqual(self.wait_exit(), 1)

    def test_missing_handler_is_init_error(self):
        self.start([TEST_BOOTSTRAP], "none")
        self.assertEqual(self.api.wait_outcome(None).json()["errorType"],
                         "Runtime.HandlerNotFound")
        self.assertEqual(self.wait_exit(), 1)

    def test_exits_when_runtime_api_goes_away(self):
        self.start([HELLO], "")
        self.api.wait_next_requests(1)
        self.api.close()  # answers the pending /next with 500, then stops listening
        self.assertEqual(self.wait_exit(), 1)


if __name__ == "__main__":
    unittest.main()
