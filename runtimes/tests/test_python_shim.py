"""Tests of runtimes/python/bootstrap.py against the fake Runtime API.

Run: /usr/bin/python3 runtimes/tests/test_python_shim.py
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shim_harness import RUNTIMES_DIR, ShimTestCase  # noqa: E402

PYTHON = "/usr/bin/python3"
ARGV = [PYTHON, "-I", "-S", os.path.join(RUNTIMES_DIR, "python", "bootstrap.py")]

APP = """
    import sys
    count = 0

    def handler(event, context):
        global count
        count += 1
        print("printed", count)
        return {"message": "hello " + event.get("name", "world"), "count": count}

    def ctx(event, context):
        return {
            "aws_request_id": context.aws_request_id,
            "function_name": context.function_name,
            "function_version": context.function_version,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "invoked_function_arn": context.invoked_function_arn,
            "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name,
            "remaining": context.get_remaining_time_in_millis(),
            "client_app": context.client_context and context.client_context.client.app_title,
            "custom": context.client_context and context.client_context.custom,
            "identity": context.identity and context.identity.cognito_identity_id,
            "sys_path0": sys.path[0],
        }

    def boom(event, context):
        helper()

    def helper():
        raise ValueError("boom " + str(event_size()))

    def event_size():
        return 3

    def unserializable(event, context):
        return {"s": {1, 2}}

    def boto(event, context):
        import boto3
        return boto3.__name__

    def echo(event, context):
        return event
"""


class PythonShimTest(ShimTestCase):
    def start_app(self, handler):
        self.write("app.py", APP)
        return self.start(ARGV, handler)

    def test_result_round_trip_and_warm_counter(self):
        self.start_app("app.handler")
        for i, name in enumerate(["ana", "bo", None], start=1):
            event = {"name": name} if name else {}
            out = self.invoke(event)
            self.assertEqual(out.kind, "response")
            self.assertEqual(out.json(), {"message": "hello " + (name or "world"), "count": i})
        # One process and one kept-alive connection served all three.
        self.assertEqual(len(self.api.wait_next_requests(4)), 4)
        self.assertIsNone(self.proc.poll())

    def test_connection_is_kept_alive(self):
        self.start_app("app.handler")
        ids = {self.invoke({}).connection_id for _ in range(5)}
        self.assertEqual(len(ids), 1)

    def test_print_reaches_stdout_per_invocation(self):
        self.start_app("app.handler")
        self.invoke({})
        # Line buffering: the line is there without the process exiting or flushing at exit.
        self.read_output_until(b"printed 1\n")

    def test_context_fields_and_remaining_time(self):
        self.start_app("app.ctx")
        deadline = int(time.time() * 1000) + 5000
        client_context = '{"client": {"app_title": "t"}, "custom": {"k": "v"}}'
        out = self.invoke({}, request_id="req-1", deadline_ms=deadline, headers={
            "Lambda-Runtime-Client-Context": client_context,
            "Lambda-Runtime-Cognito-Identity": '{"cognitoIdentityId": "id-1"}'})
        got = out.json()
        remaining = got.pop("remaining")
        self.assertTrue(0 < remaining <= 5000, remaining)
        self.assertEqual(got, {
            "aws_request_id": "req-1",
            "function_name": "test-fn",
            "function_version": "$LATEST",
            "memory_limit_in_mb": 256,
            "invoked_function_arn": "arn:aws:lambda:us-east-1:000000000000:function:test",
            "log_group_name": "/aws/lambda/test-fn",
            "log_stream_name": "2024/01/01/[$LATEST]abc",
            "client_app": "t",
            "custom": {"k": "v"},
            "identity": "id-1",
            "sys_path0": self.task_root,
        })
        past = self.invoke({}, deadline_ms=int(time.time() * 1000) - 1000).json()
        self.assertEqual(past["remaining"], 0)

    def test_handler_exception_is_reported_with_stack(self):
        self.start_app("app.boom")
        out = self.invoke({})
        self.assertEqual(out.kind, "error")
        self.assertEqual(out.headers["Lambda-Runtime-Function-Error-Type"], "ValueError")
        err = out.json()
        self.assertEqual(err["errorType"], "ValueError")
        self.assertEqual(err["errorMessage"], "boom 3")
        self.assertEqual(err["requestId"], out.request_id)
        trace = err["stackTrace"]
        self.assertEqual(len(trace), 2, trace)  # boom -> helper, no shim frames
        self.assertIn("app.py", trace[0])
        self.assertIn("in boom", trace[0])
        self.assertIn('raise ValueError("boom "', trace[1])
        self.read_output_until(b"[ERROR] ValueError: boom 3")
        # The process survives a handler error and serves the next event.
        self.assertEqual(self.invoke({}).kind, "error")

    def test_unserializable_result_is_marshal_error(self):
        self.start_app("app.unserializable")
        err = self.invoke({}).json()
        self.assertEqual(err["errorType"], "Runtime.MarshalError")
        self.assertEqual(err["errorMessage"],
                         "Unable to marshal response: Object of type set is not JSON serializable")

    def test_raw_event_round_trip(self):
        self.start_app("app.echo")
        event = {"a": [1, 2.5, None, True, "\u00e9\u6f22"], "b": {"nested": {"x": -1}}}
        self.assertEqual(self.invoke(event).json(), event)
        self.assertEqual(self.invoke(b'"just a string"').json(), "just a string")

    def test_import_error_is_init_error(self):
        self.start(ARGV, "missing.handler")
        out = self.api.wait_outcome(None)
        self.assertEqual(out.kind, "init_error")
        err = out.json()
        self.assertEqual(err["errorType"], "Runtime.ImportModuleError")
        self.assertEqual(err["errorMessage"],
                         "Unable to import module 'missing': No module named 'missing'")
        self.assertEqual(out.headers["Lambda-Runtime-Function-Error-Type"],
                         "Runtime.ImportModuleError")
        self.assertEqual(self.wait_exit(), 1)

    def test_missing_handler_is_init_error(self):
        self.start_app("app.nope")
        err = self.api.wait_outcome(None).json()
        self.assertEqual(err["errorType"], "Runtime.HandlerNotFound")
        self.assertEqual(err["errorMessage"], "Handler 'nope' missing on module 'app'")
        self.assertEqual(self.wait_exit(), 1)

    def test_malformed_handler_is_init_error(self):
        self.start_app("app")
        err = self.api.wait_outcome(None).json()
        self.assertEqual(err["errorType"], "Runtime.MalformedHandlerName")
        self.assertEqual(self.wait_exit(), 1)

    def test_nested_module_handler(self):
        self.write("pkg/__init__.py", "")
        self.write("pkg/sub/__init__.py", "")
        self.write("pkg/sub/mod.py", """
            def go(event, context):
                return {"where": __name__}
        """)
        self.start(ARGV, "pkg/sub.mod.go")
        self.assertEqual(self.invoke({}).json(), {"where": "pkg.sub.mod"})

    def test_syntax_error_is_init_error(self):
        self.write("bad.py", "def handler(:\n")
        self.start(ARGV, "bad.handler")
        err = self.api.wait_outcome(None).json()
        self.assertEqual(err["errorType"], "Runtime.UserCodeSyntaxError")
        self.assertEqual(self.wait_exit(), 1)

    def test_boto3_importable(self):
        self.start_app("app.boto")
        out = self.invoke({})
        self.assertEqual(out.kind, "response", out.body)
        self.assertEqual(out.json(), "boto3")

    def test_sys_exit_in_handler_ends_process(self):
        self.write("ex.py", """
            import sys
            def handler(event, context):
                sys.exit(3)
        """)
        self.start(ARGV, "ex.handler")
        self.api.push({})
        self.assertEqual(self.wait_exit(), 3)


if __name__ == "__main__":
    unittest.main()
