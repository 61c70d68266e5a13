"""Tests of runtimes/node/bootstrap.mjs against the fake Runtime API.

Run: /usr/bin/python3 runtimes/tests/test_node_shim.py
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shim_harness import RUNTIMES_DIR, ShimTestCase  # noqa: E402

ARGV = ["/usr/bin/node", os.path.join(RUNTIMES_DIR, "node", "bootstrap.mjs")]

CJS_APP = """
    let count = 0;
    exports.handler = async (event, context) => {
      count += 1;
      console.log('logged', count);
      return { message: 'hello ' + (event.name || 'world'), count };
    };
    exports.ctx = async (event, context) => ({
      awsRequestId: context.awsRequestId,
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      memoryLimitInMB: context.memoryLimitInMB,
      invokedFunctionArn: context.invokedFunctionArn,
      logGroupName: context.logGroupName,
      logStreamName: context.logStreamName,
      callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
      remaining: context.getRemainingTimeInMillis(),
      clientContext: context.clientContext,
      identity: context.identity,
    });
    exports.boom = async () => { inner(); };
    function inner() { throw new TypeError('bad thing'); }
    exports.promise = (event) => new Promise((resolve) => setTimeout(() => resolve({ p: event.x }), 5));
    exports.cb = (event, context, callback) => { setImmediate(() => callback(null, { cb: event.x })); };
    exports.cbErr = (event, context, callback) => { callback(new RangeError('cb failed')); };
    exports.cbString = (event, context, callback) => { callback('plain string'); };
    exports.succeed = (event, context) => { context.succeed({ s: 1 }); };
    exports.fail = (event, context) => { context.fail(new Error('failed via context')); };
    exports.done = (event, context) => { context.done(null, { d: 2 }); };
    exports.noWait = (event, context, callback) => {
      context.callbackWaitsForEmptyEventLoop = false;
      setTimeout(() => {}, 60000).unref();
      const t = setTimeout(() => {}, 60000);
      callback(null, 'fast');
      setImmediate(() => clearTimeout(t));
    };
    exports.syncNoCallback = () => 42;
    exports.rejectLater = async () => {
      Promise.reject(new Error('nobody caught me'));
      await new Promise((r) => setTimeout(r, 1000));
      return 'too late';
    };
    exports.circular = async () => { const a = {}; a.a = a; return a; };
"""


class NodeShimTest(ShimTestCase):
    def start_app(self, handler, name="app.js", text=CJS_APP):
        self.write(name, text)
        return self.start(ARGV, handler)

    def test_result_round_trip_and_warm_counter(self):
        self.start_app("app.handler")
        for i, name in enumerate(["ana", None, "cy"], start=1):
            out = self.invoke({"name": name} if name else {})
            self.assertEqual(out.kind, "response", out.body)
            self.assertEqual(out.json(), {"message": "hello " + (name or "world"), "count": i})
        self.read_output_until(b"logged 3\n")

    def test_connection_is_kept_alive(self):
        self.start_app("app.handler")
        ids = {self.invoke({}).connection_id for _ in range(5)}
        self.assertEqual(len(ids), 1)

    def test_context_fields(self):
        self.start_app("app.ctx")
        deadline = int(time.time() * 1000) + 4000
        got = self.invoke({}, request_id="req-9", deadline_ms=deadline, headers={
            "Lambda-Runtime-Client-Context": '{"custom": {"k": "v"}}',
            "Lambda-Runtime-Cognito-Identity": '{"cognitoIdentityId": "id-2"}'}).json()
        remaining = got.pop("remaining")
        self.assertTrue(0 < remaining <= 4000, remaining)
        self.assertEqual(got, {
            "awsRequestId": "req-9",
            "functionName": "test-fn",
            "functionVersion": "$LATEST",
            "memoryLimitInMB": "256",
            "invokedFunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:test",
            "logGroupName": "/aws/lambda/test-fn",
            "logStreamName": "2024/01/01/[$LATEST]abc",
            "callbackWaitsForEmptyEventLoop": True,
            "clientContext": {"custom": {"k": "v"}},
            "identity": {"cognitoIdentityId": "id-2"},
        })

    def test_thrown_error_shape(self):
        self.start_app("app.boom")
        out = self.invoke({})
        self.assertEqual(out.kind, "error")
        self.assertEqual(out.headers["Lambda-Runtime-Function-Error-Type"], "TypeError")
        err = out.json()
        self.assertEqual(err["errorType"], "TypeError")
        self.assertEqual(err["errorMessage"], "bad thing")
        self.assertEqual(err["stackTrace"][0], "TypeError: bad thing")
        self.assertIn("at inner", err["stackTrace"][1])
        self.assertEqual(self.invoke({}).kind, "error")  # the process lives on

    def test_promise_and_callback_styles(self):
        self.start_app("app.promise")
        self.assertEqual(self.invoke({"x": 1}).json(), {"p": 1})
        for handler, event, kind, expect in [
                ("app.cb", {"x": 2}, "response", {"cb": 2}),
                ("app.succeed", {}, "response", {"s": 1}),
                ("app.done", {}, "response", {"d": 2}),
                ("app.syncNoCallback", {}, "response", None)]:
            with self.subTest(handler=handler):
                self.start_app(handler)
                out = self.invoke(event)
                self.assertEqual((out.kind, out.json()), (kind, expect))

    def test_callback_and_context_errors(self):
        for handler, error_type, message in [
                ("app.cbErr", "RangeError", "cb failed"),
                ("app.cbString", "string", "plain string"),
                ("app.fail", "Error", "failed via context")]:
            with self.subTest(handler=handler):
                self.start_app(handler)
                err = self.invoke({}).json()
                self.assertEqual((err["errorType"], err["errorMessage"]), (error_type, message))

    def test_timer_ran_before_callback_response(self):
        self.write("w.js", """
            let fired = false;
            exports.waits = (event, context, callback) => {
              setTimeout(() => { fired = true; }, 20);
              callback(null, 'early');
            };
            exports.check = async () => fired;
        """)
        # Two handlers of one module in one process: 'check' proves the timer fired before
        # the previous response went out.
        self.write("both.js", """
            const w = require('./w.js');
            let n = 0;
            exports.h = (event, context, callback) => (n++ === 0 ? w.waits(event, context, callback)
                                                              : w.check().then((f) => callback(null, f)));
        """)
        self.start(ARGV, "both.h")
        self.assertEqual(self.invoke({}).json(), "early")
        self.assertEqual(self.invoke({}).json(), True)

    def test_callback_without_waiting(self):
        self.start_app("app.noWait")
        out = self.invoke({})
        self.assertEqual(out.json(), "fast")

    def test_unhandled_rejection_fails_the_invocation(self):
        self.start_app("app.rejectLater")
        err = self.invoke({}).json()
        self.assertEqual(err["errorType"], "Runtime.UnhandledPromiseRejection")
        self.assertEqual(err["errorMessage"], "Error: nobody caught me")
        self.assertEqual(self.wait_exit(), 128)

    def test_circular_result_is_marshal_error(self):
        self.start_app("app.circular")
        err = self.invoke({}).json()
        self.assertEqual(err["errorType"], "Runtime.MarshalError")

    def test_mjs_module(self):
        self.write("esm.mjs", """
            let count = 0;
            export const handler = async (event) => ({ esm: true, count: ++count });
        """)
        self.start(ARGV, "esm.handler")
        self.assertEqual(self.invoke({}).json(), {"esm": True, "count": 1})
        self.assertEqual(self.invoke({}).json(), {"esm": True, "count": 2})

    def test_cjs_module_in_subdir(self):
        self.write("lib/deep/mod.cjs", """
            module.exports.nested = { fn: async () => ({ cjs: __filename.endsWith('mod.cjs') }) };
        """)
        self.start(ARGV, "lib/deep/mod.nested.fn")
        self.assertEqual(self.invoke({}).json(), {"cjs": True})

    def test_js_in_type_module_package(self):
        self.write("package.json", '{"type": "module"}')
        self.write("index.js", "export const handler = async () => 'esm js';")
        self.start(ARGV, "index.handler")
        self.assertEqual(self.invoke({}).json(), "esm js")

    def test_import_error(self):
        self.start(ARGV, "missing.handler")
        out = self.api.wait_outcome(None)
        err = out.json()
        self.assertEqual(err["errorType"], "Runtime.ImportModuleError")
        self.assertEqual(err["errorMessage"], "Error: Cannot find module 'missing'")
        self.assertEqual(out.headers["Lambda-Runtime-Function-Error-Type"],
                         "Runtime.ImportModuleError")
        self.assertEqual(self.wait_exit(), 1)

    def test_missing_handler(self):
        self.start_app("app.nope")
        err = self.api.wait_outcome(None).json()
        self.assertEqual(err["errorType"], "Runtime.HandlerNotFound")
        self.assertEqual(err["errorMessage"], "app.nope is undefined or not exported")
        self.assertEqual(self.wait_exit(), 1)

    def test_malformed_handler_and_syntax_error(self):
        self.start_app("app")
        self.assertEqual(self.api.wait_outcome(None).json()["errorType"],
                         "Runtime.MalformedHandlerName")
        self.assertEqual(self.wait_exit(), 1)
        self.write("broken.js", "exports.handler = (;\n")
        self.start(ARGV, "broken.handler")
        self.assertEqual(self.api.wait_outcome(None).json()["errorType"],
                         "Runtime.UserCodeSyntaxError")
        self.assertEqual(self.wait_exit(), 1)


if __name__ == "__main__":
    unittest.main()
