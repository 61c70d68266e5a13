"""Greets over HTTP: GET /hello and GET /hello/{name}. Handler: app.handler

Returns a plain dict: the gateway turns a result without statusCode into a 200 JSON answer.
"""


def handler(event, context):
    name = (event.get("pathParameters") or {}).get("name") or "world"
    return {"message": "hello " + name, "path": event.get("rawPath")}
