"""Puts orders on the queue "orders" through kumo's SQS-compatible API.

Called by the gateway (POST /orders with {"orders": [...]} or one order as the body) or invoked
directly (asynchronously) with the same JSON. kumo gives every instance AWS_ENDPOINT_URL, the
address of its API as the instance reaches it; plain HTTP in SQS's JSON protocol needs no SDK.
"""
import json
import os
import urllib.request


def sqs(action, payload):
    request = urllib.request.Request(
        os.environ["AWS_ENDPOINT_URL"].rstrip("/") + "/",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"X-Amz-Target": "AmazonSQS." + action,
                 "Content-Type": "application/x-amz-json-1.0"})
    with urllib.request.urlopen(request, timeout=5) as reply:
        return json.loads(reply.read() or b"{}")


def orders_of(event):
    if "body" in event or "requestContext" in event:  # an HTTP request from the gateway
        event = json.loads(event.get("body") or "{}")
    return event.get("orders", [event])


def handler(event, context):
    queue_url = sqs("GetQueueUrl", {"QueueName": os.environ["QUEUE_NAME"]})["QueueUrl"]
    orders = orders_of(event)
    for i in range(0, len(orders), 10):
        entries = [{"Id": str(n), "MessageBody": json.dumps(order)}
                   for n, order in enumerate(orders[i:i + 10])]
        result = sqs("SendMessageBatch", {"QueueUrl": queue_url, "Entries": entries})
        if result.get("Failed"):
            raise RuntimeError("queue refused: %s" % result["Failed"])
    print("queued %d order(s)" % len(orders))
    return {"statusCode": 202, "body": json.dumps({"queued": len(orders)})}
