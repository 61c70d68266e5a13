"""The disk's floor for kumo's durable queue: one writer appending 1 KB messages to SQLite in WAL
mode with synchronous=FULL (the settings kumo's events.db uses), committing after every message
or after every BATCH messages, for a fixed time. Each body is distinct, because SQLite skips a
write that changes nothing. Prints one line: {"messages": N, "seconds": S, "rate": N/S}.

Usage: durable_writes.py DB_PATH SECONDS BATCH
"""

import json
import os
import sqlite3
import sys
import time

BODY_BYTES = 1024


def main():
    path, seconds, batch = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    # isolation_level=None: the transactions below are the only ones, as in kumo's writer.
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    filler = os.urandom(BODY_BYTES // 2).hex()
    written = 0
    began = time.perf_counter()
    stop_at = began + seconds
    while time.perf_counter() < stop_at:
        db.execute("BEGIN")
        for _ in range(batch):
            head = f"{written:012d}"
            db.execute("INSERT INTO messages (body) VALUES (?)",
                       (head + filler[len(head):],))
            written += 1
        db.execute("COMMIT")
    elapsed = time.perf_counter() - began
    db.close()
    print(json.dumps({"messages": written, "seconds": elapsed, "rate": written / elapsed}))


if __name__ == "__main__":
    main()
