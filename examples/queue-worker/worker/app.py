"""Processes orders from the queue "orders", reporting the ones it cannot process.

With reportBatchItemFailures, only the failed messages of a batch go back to the queue; after
maxReceiveCount receives they move to "orders-dlq". A scheduled event ({"task": "heartbeat"})
just logs that the worker is alive.
"""
import json


def process(order):
    if not isinstance(order, dict) or order.get("qty", 1) <= 0:
        raise ValueError("bad order %r" % (order,))
    print("processed order %s" % order.get("id"))


def handler(event, context):
    if "Records" not in event:
        print("heartbeat: %s" % json.dumps(event))
        return {"ok": True}
    failures = []
    for record in event["Records"]:
        try:
            process(json.loads(record["body"]))
        except (ValueError, json.JSONDecodeError) as error:
            print("failed message %s: %s" % (record["messageId"], error))
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
