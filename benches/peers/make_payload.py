"""Writes payload.json: 1000 items whose rendering is about 75 KB of JSON."""
import json
import sys

items = [
    {"id": i, "name": f"n{i:04d}", "email": f"u{i:04d}@example.com", "active": i % 3 != 0}
    for i in range(1000)
]
json.dump({"payload": {"items": items}}, open(sys.argv[1], "w"))
