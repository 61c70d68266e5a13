"""Hello world for kumo's python3.x runtimes. Handler: app.handler"""

# Module state lives as long as the warm instance: the count shows instance reuse.
count = 0


def handler(event, context):
    global count
    count += 1
    name = event.get("name", "world") if isinstance(event, dict) else "world"
    print("hello called for", name, "request", context.aws_request_id)
    return {"message": "hello " + name, "count": count}
