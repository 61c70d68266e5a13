"""Makes an older botocore honour AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>.

kumo points every instance at its own API through AWS_ENDPOINT_URL, but Debian 12's botocore
(1.29) predates that variable, so an unchanged `boto3.client("lambda")` would reach real AWS.
`install()` puts a finder on sys.meta_path that waits for `botocore.session` to be imported and
then wraps Session.create_client: a client created without endpoint_url gets
AWS_ENDPOINT_URL_<SERVICE> (the model's serviceId upper-cased, spaces and dashes as '_', so
"API Gateway" reads AWS_ENDPOINT_URL_API_GATEWAY), else AWS_ENDPOINT_URL, else botocore's default;
AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns both off. That is botocore >= 1.31's own rule, and
such a botocore is left untouched so nothing applies twice. Variables are read per client.

Start-up cost is the constraint: nothing is imported, install() is one list insert, and the file
is kept short because kumo's read-only mount may leave Python compiling it on every cold start.
Called from the shim's main thread; the wrapper is as thread-safe as create_client itself.
"""

import os
import sys

_TARGET = "botocore.session"
# create_client's leading parameters, unchanged for years; anything else is left alone.
_PARAMS = ("self", "service_name", "region_name", "api_version", "use_ssl", "verify",
           "endpoint_url")


def install():
    """Arranges for botocore.session to be patched when (if ever) it is imported."""
    module = sys.modules.get(_TARGET)
    if module is not None:
        _patch(module)
    elif _Finder not in sys.meta_path:
        sys.meta_path.insert(0, _Finder)


class _Finder:
    """One-shot sys.meta_path entry: hands botocore.session a loader that patches it after running.

    Used as the class itself, like the standard importers; called under the import lock.
    """

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if fullname != _TARGET:
            return None
        sys.meta_path.remove(_Finder)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find and find(fullname, path, target)
            if spec is not None:
                run = getattr(spec.loader, "exec_module", None)
                if run is not None:
                    def exec_module(module):
                        run(module)
                        _patch(module)
                    # Loaders are made per spec, so this touches botocore.session's alone.
                    spec.loader.exec_module = exec_module
                return spec
        return None


def _native():
    """Whether the imported botocore reads AWS_ENDPOINT_URL* itself (1.31.0 onwards)."""
    version = getattr(sys.modules.get("botocore"), "__version__", "0")
    return tuple(int(p) for p in version.split(".")[:2] if p.isdigit()) >= (1, 31)


def _patch(session_module):
    cls = getattr(session_module, "Session", None)
    original = getattr(cls, "create_client", None)
    code = getattr(original, "__code__", None)
    if code is None or code.co_varnames[:7] != _PARAMS or _native():
        return

    def create_client(self, service_name, region_name=None, api_version=None, use_ssl=True,
                      verify=None, endpoint_url=None, *args, **kwargs):
        if endpoint_url is None:
            endpoint_url = _configured(self, service_name, api_version)
        return original(self, service_name, region_name, api_version, use_ssl, verify,
                        endpoint_url, *args, **kwargs)

    create_client.__doc__ = original.__doc__
    create_client.__wrapped__ = original
    cls.create_client = create_client


def _configured(session, service_name, api_version):
    """The endpoint the environment gives `service_name` clients now, or None."""
    env = os.environ
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    # Only a service-specific variable needs the serviceId, which lives in the service model;
    # kumo sets none by default, so the usual client skips this.
    if any(k.startswith("AWS_ENDPOINT_URL_") for k in env):
        service_id = _service_id(session, service_name, api_version)
        if service_id:
            url = env.get("AWS_ENDPOINT_URL_" +
                          service_id.replace(" ", "_").replace("-", "_").upper())
            if url:
                return url
    return env.get("AWS_ENDPOINT_URL") or None


def _service_id(session, service_name, api_version):
    try:
        if api_version is None:
            api_version = session.get_config_variable("api_versions").get(service_name)
        # The very call botocore's ClientCreator makes next, so the loader's cache serves both.
        model = session.get_component("data_loader").load_service_model(
            service_name, "service-2", api_version=api_version)
        return model["metadata"].get("serviceId")
    except Exception:
        return None  # e.g. an unknown service, which create_client reports properly itself
