"""airspeed-ext (LocalStack's engine): parse once, render warmed, print ms per render."""
import json
import sys
import time

import airspeed

template, context_file, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3])
src = open(template, encoding="utf-8").read()
context = json.load(open(context_file, encoding="utf-8"))
compiled = airspeed.Template(src)
for _ in range(5):
    compiled.merge(dict(context))
start = time.perf_counter()
for _ in range(iterations):
    out = compiled.merge(dict(context))
ms = (time.perf_counter() - start) * 1000 / iterations
import os

open(os.environ["PEER_OUT"], "w", encoding="utf-8").write(out)
print(f"{ms:.4f}")
