"""Items CRUD behind API Gateway HTTP API routes (payload format 2.0). Handler: app.handler

Routes (kumo.yaml): GET /items, GET /items/{id}, POST /items, DELETE /items/{id}.
Items live in this instance's memory: the project reserves one instance for the function.
"""

import base64
import json
import os
import uuid

MAX_ITEMS = int(os.environ.get("MAX_ITEMS", "1000"))
ITEMS = {}


def respond(status, body=None):
    response = {"statusCode": status, "headers": {"content-type": "application/json"}}
    if body is not None:
        response["body"] = json.dumps(body)
    return response


def read_body(event):
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8")
    try:
        return json.loads(raw) if raw else {}
    except ValueError:
        return None


def create(event):
    data = read_body(event)
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"]:
        return respond(400, {"message": 'send a JSON object with a "name" string'})
    if len(ITEMS) >= MAX_ITEMS:
        return respond(409, {"message": "the store is full"})
    item = {"id": uuid.uuid4().hex[:12], "name": data["name"]}
    ITEMS[item["id"]] = item
    return respond(201, item)


def handler(event, context):
    route = event.get("routeKey", "")
    item_id = (event.get("pathParameters") or {}).get("id")
    if route == "GET /items":
        return respond(200, {"items": sorted(ITEMS.values(), key=lambda i: i["id"])})
    if route == "POST /items":
        return create(event)
    if route == "GET /items/{id}":
        item = ITEMS.get(item_id)
        return respond(200, item) if item else respond(404, {"message": "no item " + str(item_id)})
    if route == "DELETE /items/{id}":
        if ITEMS.pop(item_id, None) is None:
            return respond(404, {"message": "no item " + str(item_id)})
        return respond(204)
    return respond(404, {"message": "no route " + route})
