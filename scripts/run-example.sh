#!/usr/bin/env bash
# Starts kumo on 127.0.0.1:9000 with the example functions deployed, prints lines to try them,
# and keeps the server in the foreground until Ctrl-C (which stops it cleanly).
set -euo pipefail

cd "$(dirname "$0")/.."
KUMO=${KUMO:-build/kumo}
LISTEN=${KUMO_LISTEN:-127.0.0.1:9000}
GATEWAY=${KUMO_GATEWAY_LISTEN:-127.0.0.1:8080}
DATA_DIR=${KUMO_DATA_DIR:-.kumo-data}
export KUMO_ENDPOINT="http://${LISTEN}"

if [[ ! -x "$KUMO" ]]; then
  echo "run-example: $KUMO not found; run 'make run' (it builds first)" >&2
  exit 1
fi
mkdir -p "$DATA_DIR"

# The server's output goes through a FIFO so that we can wait for its listening line and then
# keep showing what it prints.
fifo_dir=$(mktemp -d)
fifo="$fifo_dir/out"
mkfifo "$fifo"
# Own process group (set -m): a terminal's Ctrl-C reaches only this script, whose trap then
# sends the server exactly one SIGTERM (a second signal would make it skip the drain).
set -m
"$KUMO" serve --listen "$LISTEN" --gateway-listen "$GATEWAY" --data-dir "$DATA_DIR" >"$fifo" 2>&1 &
server=$!
set +m
exec 3<"$fifo"
rm -rf "$fifo_dir"

stop() {
  trap - INT TERM
  echo
  echo "run-example: stopping kumo (pid $server)"
  kill -TERM "$server" 2>/dev/null || true
  local rc=0
  wait "$server" || rc=$?
  exit "$rc"
}
trap stop INT TERM

ready=0
while IFS= read -r -t 30 line <&3; do
  echo "$line"
  if [[ $line == *"kumo gateway listening on"* ]]; then
    ready=1
    break
  fi
done
if ((ready == 0)); then
  echo "run-example: kumo did not start (is $LISTEN already in use?)" >&2
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" || true
  exit 1
fi
cat <&3 &

deploy() {
  "$KUMO" deploy "$@" || { echo "run-example: deploy failed: $*" >&2; stop; }
}
deploy examples/python-hello --name python-hello --runtime python3.12 --handler app.handler
deploy examples/node-hello --name node-hello --runtime nodejs20.x --handler index.handler
if [[ -x build/examples/cpp-hello/bootstrap ]]; then
  deploy build/examples/cpp-hello --name cpp-hello --runtime provided.al2023
fi
# The REST API project: its functions and HTTP routes, from examples/rest-api/kumo.yaml.
(cd examples/rest-api && "../../$KUMO" deploy) || { echo "run-example: project deploy failed" >&2; stop; }
# The event-driven project: queues, a queue-fed worker and a schedule (examples/queue-worker).
(cd examples/queue-worker && "../../$KUMO" deploy) || { echo "run-example: project deploy failed" >&2; stop; }

cat <<MSG

kumo is running at $KUMO_ENDPOINT with python-hello, node-hello and cpp-hello deployed,
the REST API project of examples/rest-api on the gateway at http://$GATEWAY, and the
queue-worker project of examples/queue-worker (a queue, its worker and a schedule).
Try, in another terminal:

  curl -s -X POST $KUMO_ENDPOINT/2015-03-31/functions/python-hello/invocations -d '{"name":"you"}'
  KUMO_ENDPOINT=$KUMO_ENDPOINT build/kumo invoke python-hello --payload '{"name":"you"}'
  curl -s http://$GATEWAY/hello
  curl -s http://$GATEWAY/items
  curl -s -X POST http://$GATEWAY/orders -d '{"orders": [{"id": "a1", "qty": 2}]}'
  KUMO_ENDPOINT=$KUMO_ENDPOINT build/kumo logs worker

Press Ctrl-C to stop.
MSG

rc=0
wait "$server" || rc=$?
exit "$rc"
