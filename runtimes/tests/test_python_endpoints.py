"""Tests of runtimes/python/kumo_endpoints.py through the shim: Debian's boto3 honouring
AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> the way botocore >= 1.31 does.

Run: /usr/bin/python3 runtimes/tests/test_python_endpoints.py
"""

import http.server
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shim_harness import RUNTIMES_DIR, ShimTestCase  # noqa: E402

PYTHON = "/usr/bin/python3"
ARGV = [PYTHON, "-I", "-S", os.path.join(RUNTIMES_DIR, "python", "bootstrap.py")]

APP = """
    import sys

    def list_functions(event, context):
        import boto3
        kwargs = {"endpoint_url": event["explicit"]} if "explicit" in event else {}
        client = boto3.client("lambda", **kwargs)
        names = [f["FunctionName"] for f in client.list_functions()["Functions"]]
        return {"endpoint": client.meta.endpoint_url, "names": names}

    def list_queues(event, context):
        import boto3
        client = boto3.client("sqs")
        return {"endpoint": client.meta.endpoint_url,
                "urls": client.list_queues().get("QueueUrls", [])}

    def endpoints(event, context):
        # Builds clients only: no request leaves the process.
        import boto3
        return {name: boto3.client(name).meta.endpoint_url for name in event["services"]}

    def loaded(event, context):
        return {
            "botocore": sorted(m for m in sys.modules if m.split(".")[0] == "botocore"),
            "boto3": sorted(m for m in sys.modules if m.split(".")[0] == "boto3"),
            "hooked": any(getattr(f, "__module__", None) == "kumo_endpoints"
                          for f in sys.meta_path),
        }

    def fake_botocore(event, context):
        import botocore.session
        create = botocore.session.Session.create_client
        return {"wrapped": hasattr(create, "__wrapped__"),
                "endpoint": botocore.session.Session().create_client("lambda")}
"""

# A stand-in botocore whose version a test picks: create_client returns the endpoint it got.
FAKE_SESSION = """
    class Session:
        def create_client(self, service_name, region_name=None, api_version=None, use_ssl=True,
                          verify=None, endpoint_url=None, aws_access_key_id=None,
                          aws_secret_access_key=None, aws_session_token=None, config=None):
            return endpoint_url

        def get_config_variable(self, name):
            return {}

        def get_component(self, name):
            return self

        def load_service_model(self, service_name, type_name, api_version=None):
            return {"metadata": {"serviceId": "Lambda"}}
"""

SQS_LIST_QUEUES = (b'<ListQueuesResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">'
                   b'<ListQueuesResult><QueueUrl>%s</QueueUrl></ListQueuesResult>'
                   b'<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>'
                   b'</ListQueuesResponse>')


class RecordingServer:
    """A tiny AWS look-alike on 127.0.0.1 that records each request and answers ListFunctions
    (one function named after the server) and SQS ListQueues (one queue URL on the server).

    Requests are recorded before they are answered, so once the caller has its reply the
    record is there. `requests` may be read from any thread once the shim has replied.
    """

    def __init__(self, name):
        self.name = name
        self.requests = []  # (method, path, body bytes)
        lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with lock:
                    owner.requests.append((self.command, self.path, body))
                if self.path.startswith("/2015-03-31/functions"):
                    reply = b'{"Functions": [{"FunctionName": "%s"}]}' % owner.name.encode()
                    ctype = "application/json"
                elif b"Action=ListQueues" in body:
                    reply = SQS_LIST_QUEUES % (owner.url + "/000000000000/q").encode()
                    ctype = "text/xml"
                else:
                    reply, ctype = b"{}", "application/json"
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


class PythonEndpointsTest(ShimTestCase):
    def server(self, name):
        s = RecordingServer(name)
        self.addCleanup(s.close)
        return s

    def run_app(self, handler, env, event):
        self.write("app.py", APP)
        # Keep botocore away from any ~/.aws of the machine running the tests.
        env = dict(env, AWS_CONFIG_FILE=os.path.join(self.task_root, "no-config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.task_root, "no-credentials"))
        self.start(ARGV, handler, env)
        out = self.invoke(event)
        self.assertEqual(out.kind, "response", out.body)
        return out.json()

    def test_global_variable_reaches_server_for_lambda(self):
        kumo = self.server("kumo")
        got = self.run_app("app.list_functions", {"AWS_ENDPOINT_URL": kumo.url}, {})
        self.assertEqual(got, {"endpoint": kumo.url, "names": ["kumo"]})
        self.assertEqual(len(kumo.requests), 1, kumo.requests)
        method, path, _ = kumo.requests[0]
        self.assertEqual((method, path), ("GET", "/2015-03-31/functions/"))

    def test_global_variable_reaches_server_for_sqs(self):
        kumo = self.server("kumo")
        got = self.run_app("app.list_queues", {"AWS_ENDPOINT_URL": kumo.url}, {})
        self.assertEqual(got, {"endpoint": kumo.url, "urls": [kumo.url + "/000000000000/q"]})
        self.assertEqual(len(kumo.requests), 1, kumo.requests)
        method, path, body = kumo.requests[0]
        self.assertEqual((method, path), ("POST", "/"))
        self.assertIn(b"Action=ListQueues", body)

    def test_service_variable_beats_global_for_its_service_only(self):
        kumo, lam = self.server("kumo"), self.server("lambda-only")
        env = {"AWS_ENDPOINT_URL": kumo.url, "AWS_ENDPOINT_URL_LAMBDA": lam.url}
        got = self.run_app("app.list_functions", env, {})
        self.assertEqual(got, {"endpoint": lam.url, "names": ["lambda-only"]})
        self.assertEqual([r[1] for r in lam.requests], ["/2015-03-31/functions/"])
        self.assertEqual(kumo.requests, [])
        # SQS has no variable of its own, so the global one still applies to it.
        got = self.run_app("app.list_queues", env, {})
        self.assertEqual(got["endpoint"], kumo.url)
        self.assertEqual(len(kumo.requests), 1)
        self.assertEqual(len(lam.requests), 1)

    def test_explicit_endpoint_url_wins(self):
        kumo, lam, mine = self.server("kumo"), self.server("lambda-only"), self.server("mine")
        env = {"AWS_ENDPOINT_URL": kumo.url, "AWS_ENDPOINT_URL_LAMBDA": lam.url}
        got = self.run_app("app.list_functions", env, {"explicit": mine.url})
        self.assertEqual(got, {"endpoint": mine.url, "names": ["mine"]})
        self.assertEqual(len(mine.requests), 1)
        self.assertEqual((kumo.requests, lam.requests), ([], []))

    def test_service_variable_names_follow_service_id(self):
        env = {"AWS_ENDPOINT_URL": "http://global.test:1",
               "AWS_ENDPOINT_URL_API_GATEWAY": "http://apigw.test:2",  # serviceId "API Gateway"
               "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://idp.test:3",
               "AWS_ENDPOINT_URL_LAMBDA": ""}  # empty counts as unset, as in botocore
        got = self.run_app("app.endpoints", env,
                           {"services": ["apigateway", "cognito-idp", "lambda", "s3"]})
        self.assertEqual(got, {"apigateway": "http://apigw.test:2",
                               "cognito-idp": "http://idp.test:3",
                               "lambda": "http://global.test:1",
                               "s3": "http://global.test:1"})

    def test_ignore_configured_endpoint_urls_keeps_aws_default(self):
        kumo = self.server("kumo")
        env = {"AWS_ENDPOINT_URL": kumo.url, "AWS_ENDPOINT_URL_LAMBDA": kumo.url,
               "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}
        got = self.run_app("app.endpoints", env, {"services": ["lambda", "sqs"]})
        self.assertIn("amazonaws.com", got["lambda"])
        self.assertIn("amazonaws.com", got["sqs"])
        self.assertEqual(kumo.requests, [])

    def test_shim_does_not_import_botocore(self):
        got = self.run_app("app.loaded", {}, {})
        self.assertEqual(got, {"botocore": [], "boto3": [], "hooked": True})

    def test_botocore_that_reads_the_variables_itself_is_left_alone(self):
        env = {"AWS_ENDPOINT_URL": "http://global.test:1"}
        self.write("botocore/__init__.py", '__version__ = "1.31.0"\n')
        self.write("botocore/session.py", FAKE_SESSION)
        got = self.run_app("app.fake_botocore", env, {})
        self.assertEqual(got, {"wrapped": False, "endpoint": None})

    def test_older_botocore_is_wrapped(self):
        # The same stand-in as above with an older version: proves that test can fail.
        env = {"AWS_ENDPOINT_URL": "http://global.test:1"}
        self.write("botocore/__init__.py", '__version__ = "1.30.99"\n')
        self.write("botocore/session.py", FAKE_SESSION)
        got = self.run_app("app.fake_botocore", env, {})
        self.assertEqual(got, {"wrapped": True, "endpoint": "http://global.test:1"})


if __name__ == "__main__":
    unittest.main()
