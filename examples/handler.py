#!/usr/bin/env python3
"""A function instance for `placer execute --function NAME="python3 examples/handler.py"`.

Speaks Placer's JSON-lines protocol (docs/executor.md) on stdin/stdout:
  1. initialise, then write {"ready": true}
  2. for each request line {"id": N, "function": ..., "durationMs": D, "memoryMB": M}
     write {"id": N, "ok": true} or {"id": N, "ok": false, "error": "why"}
  3. exit when stdin ends.
Replace handle() with your own code. --fail-every N answers every Nth request with an error.
"""
import json
import sys
import time


def handle(request):
    """Stands in for real work: keeps the CPU busy for the request's durationMs."""
    end = time.monotonic() + request.get("durationMs", 0) / 1000.0
    x = 0
    while time.monotonic() < end:
        x = (x * 31 + 7) % 1000003
    return {"checksum": x}


def main():
    fail_every = 0
    if len(sys.argv) == 3 and sys.argv[1] == "--fail-every":
        fail_every = int(sys.argv[2])
    # The init phase would go here (imports, connections, loading a model).
    print(json.dumps({"ready": True}), flush=True)
    served = 0
    for line in sys.stdin:
        request = json.loads(line)
        served += 1
        if fail_every and served % fail_every == 0:
            answer = {"id": request["id"], "ok": False, "error": f"request {served} failed on purpose"}
        else:
            try:
                result = handle(request)
                answer = {"id": request["id"], "ok": True, "checksum": result["checksum"]}
            except Exception as error:  # the function's own failure, reported, not fatal
                answer = {"id": request["id"], "ok": False, "error": str(error)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
