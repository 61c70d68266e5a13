"""The `context` object handed to Python handlers, shaped like AWS Lambda's LambdaContext."""

import time


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, fields):
        self.cognito_identity_id = fields.get("cognitoIdentityId")
        self.cognito_identity_pool_id = fields.get("cognitoIdentityPoolId")


class Client:
    __slots__ = ("installation_id", "app_title", "app_version_name", "app_version_code",
                 "app_package_name")

    def __init__(self, fields):
        self.installation_id = fields.get("installation_id")
        self.app_title = fields.get("app_title")
        self.app_version_name = fields.get("app_version_name")
        self.app_version_code = fields.get("app_version_code")
        self.app_package_name = fields.get("app_package_name")


class ClientContext:
    __slots__ = ("client", "custom", "env")

    def __init__(self, fields):
        client = fields.get("client")
        self.client = Client(client) if client else None
        self.custom = fields.get("custom")
        self.env = fields.get("env")


class LambdaContext:
    """Per-invocation facts; created on the shim's only thread, read by the handler."""

    __slots__ = ("aws_request_id", "function_name", "function_version", "memory_limit_in_mb",
                 "invoked_function_arn", "log_group_name", "log_stream_name", "client_context",
                 "identity", "_deadline_ms")

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def __repr__(self):
        return "LambdaContext(aws_request_id=%r, function_name=%r)" % (
            self.aws_request_id, self.function_name)


class Factory:
    """Builds a LambdaContext from /next's headers; the function-wide fields are read once."""

    def __init__(self, env):
        self._name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self._version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self._memory = int(env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") or 0)
        self._group = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self._stream = env.get("AWS_LAMBDA_LOG_STREAM_NAME")

    def __call__(self, request_id, headers):
        c = LambdaContext()
        c.aws_request_id = request_id
        c.function_name = self._name
        c.function_version = self._version
        c.memory_limit_in_mb = self._memory
        c.invoked_function_arn = headers.get(b"lambda-runtime-invoked-function-arn", b"").decode()
        c.log_group_name = self._group
        c.log_stream_name = self._stream
        c._deadline_ms = int(headers.get(b"lambda-runtime-deadline-ms", b"0"))
        raw = headers.get(b"lambda-runtime-client-context")
        c.client_context = ClientContext(_parse(raw)) if raw else None
        raw = headers.get(b"lambda-runtime-cognito-identity")
        c.identity = CognitoIdentity(_parse(raw)) if raw else None
        return c


def _parse(raw):
    import kumo_json
    try:
        value = kumo_json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
