"""JSON for the shim: json.loads/json.dumps semantics without importing `json` at start-up.

`import json` costs ~8 ms on Debian's python3.11, almost all of it json.decoder compiling regexes
through `re` and `enum`. The C accelerator `_json` that json itself uses needs none of that, so we
build its scanner and encoder the same way json does. If `_json` is missing or its constructors
ever change signature, we fall back to the `json` module. Single-threaded use only.
"""


def _not_serializable(o):
    raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)


def _build():
    import _json

    class _ScanContext:
        # The attribute set _json.make_scanner reads from json.decoder.JSONDecoder.
        strict = True
        object_hook = None
        object_pairs_hook = None
        parse_float = float
        parse_int = int

        @staticmethod
        def parse_constant(name):
            return {"NaN": float("nan"), "Infinity": float("inf"),
                    "-Infinity": float("-inf")}[name]

    scan_once = _json.make_scanner(_ScanContext())
    ws = " \t\n\r"

    def loads(data):
        s = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
        idx = len(s) - len(s.lstrip(ws))
        try:
            obj, end = scan_once(s, idx)
        except StopIteration as e:
            raise ValueError("Expecting value: char %d" % e.value) from None
        if s[end:].strip(ws):
            raise ValueError("Extra data: char %d" % end)
        return obj

    # Same arguments json.dumps passes by default: ensure_ascii, ", " and ": " separators.
    # The encoder keeps `markers` (ids of containers being encoded, for cycle detection) across
    # calls; a failed call can leave entries behind, so it is cleared on failure.
    markers = {}
    encode = _json.make_encoder(markers, _not_serializable, _json.encode_basestring_ascii, None,
                                ": ", ", ", False, False, True)

    def dumps(obj):
        """Serializes `obj` to ASCII JSON bytes, raising TypeError/ValueError like json.dumps."""
        if isinstance(obj, str):
            return _json.encode_basestring_ascii(obj).encode("ascii")
        try:
            return "".join(encode(obj, 0)).encode("ascii")
        except BaseException:
            markers.clear()
            raise

    # Self-check so a changed private API shows up here, not as wrong output later.
    if dumps({"a": [1, 2.5, None, True, "\u00e9"]}) != b'{"a": [1, 2.5, null, true, "\\u00e9"]}':
        raise ImportError("_json behaves unexpectedly")
    if loads(b' {"a": [1, 2.5, null, "x"]} ') != {"a": [1, 2.5, None, "x"]}:
        raise ImportError("_json behaves unexpectedly")
    return loads, dumps


def _fallback():
    import json

    def dumps(obj):
        return json.dumps(obj).encode("ascii")

    return json.loads, dumps


try:
    loads, dumps = _build()
except (ImportError, TypeError, AttributeError):
    loads, dumps = _fallback()
