"""The bare servers that are each language's limit: the same no-op JSON answer with nothing
between the socket and the handler. start_all returns {lang: url}; procs.stop_all stops them."""

import os

from . import procs

BASELINES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                         "baselines")
READY = r"listening on (\d+)"


def argv(lang, tools_dir):
    return {
        "python": ["/usr/bin/python3", os.path.join(BASELINES, "python_server.py")],
        "node": ["/usr/bin/node", os.path.join(BASELINES, "node_server.mjs")],
        "cpp": [os.path.join(tools_dir, "bench_cpp_server")],
    }[lang]


def start_all(tools_dir, langs):
    urls, procs_by_lang = {}, {}
    for lang in langs:
        proc, match = procs.start(argv(lang, tools_dir), READY)
        urls[lang] = f"http://127.0.0.1:{match.group(1)}/"
        procs_by_lang[lang] = proc
    return urls, procs_by_lang
