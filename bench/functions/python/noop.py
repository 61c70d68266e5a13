"""The benchmark's functions for kumo's python3.12 runtime.

noop.handler answers at once, so a call measures only the platform. noop.burst holds its instance
for 100 ms and names it, so a burst shows how many instances served.
"""

import os
import time

NOOP = {"ok": True}


def handler(event, context):
    return NOOP


def burst(event, context):
    time.sleep(0.1)
    stream = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
    return {"instance": stream.rsplit("]", 1)[-1]}
