#!/usr/bin/env bash
# Renders the same 1000-item #foreach template with the same payload in four engines, in-process
# and warmed, and prints milliseconds per render and how much faster our engine is.
#   velocityjs    (npm; serverless-offline's engine)    installed into benches/peers/node_modules
#   airspeed-ext  (PyPI; LocalStack's engine)            installed into a venv under target/peers
#   Velocity 1.7  (Debian's velocity package, Java 17)   parsed once, JIT-warmed loop
#   apigw-lab     (this crate, release build)            examples/vtl_peer = benches/peers/ours.rs
# Targets (issue 3): >= 20x velocityjs, >= 40x airspeed-ext, faster than Velocity 1.7.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/target/peers"
mkdir -p "$work"
jars=/usr/share/java/velocity-1.7.jar:/usr/share/java/commons-collections3.jar:/usr/share/java/commons-lang-2.6.jar

echo "== preparing peers" >&2
python3 "$here/make_payload.py" "$work/context.json"
(cd "$here" && npm install --silent --no-audit --no-fund >/dev/null)
if [ ! -x "$work/venv/bin/python" ]; then python3 -m venv "$work/venv"; fi
"$work/venv/bin/pip" install -q airspeed-ext
mkdir -p "$work/classes"
javac -nowarn -encoding UTF-8 -cp "$jars" -d "$work/classes" "$here/VelocityPeer.java" "$root/tests/java/VelocityOracle.java"
(cd "$root" && cargo build -q --release --no-default-features --example vtl_peer)

tpl="$here/template.vtl"
ctx="$work/context.json"
run() { # name, command...
  local name=$1; shift
  PEER_OUT="$work/out-$name.txt" "$@"
}
echo "== rendering (ms per render, warmed)" >&2
ours=$(run ours "$root/target/release/examples/vtl_peer" "$tpl" "$ctx" 2000)
java=$(run velocity17 java -cp "$work/classes:$jars" VelocityPeer "$tpl" "$ctx" 3000)
js=$(run velocityjs node "$here/velocityjs_bench.js" "$tpl" "$ctx" 200)
py=$(run airspeed "$work/venv/bin/python" "$here/airspeed_bench.py" "$tpl" "$ctx" 20)

size=$(wc -c <"$work/out-ours.txt")
printf '\ntemplate: %s, output %s bytes\n\n' "benches/peers/template.vtl" "$size"
printf '%-14s %12s %10s %s\n' engine "ms/render" "ours is" "output vs Velocity 1.7"
for row in "apigw-lab:$ours:ours" "Velocity 1.7:$java:velocity17" "velocityjs:$js:velocityjs" "airspeed-ext:$py:airspeed"; do
  IFS=: read -r name ms file <<<"$row"
  if cmp -s "$work/out-$file.txt" "$work/out-velocity17.txt"; then same=identical; else same=DIFFERENT; fi
  ratio=$(python3 -c "print(f'{$ms / $ours:.1f}x')")
  printf '%-14s %12s %10s %s\n' "$name" "$ms" "$ratio" "$same"
done
python3 - "$ours" "$java" "$js" "$py" <<'PY'
import sys
ours, java, js, py = map(float, sys.argv[1:])
checks = [("velocityjs >= 20x", js / ours >= 20), ("airspeed-ext >= 40x", py / ours >= 40), ("Velocity 1.7 > 1x", java / ours > 1)]
print()
for name, ok in checks:
    print(f"target {name}: {'met' if ok else 'MISSED'}")
PY
