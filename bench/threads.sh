#!/usr/bin/env bash
# More cores must never make a step slower than fewer: `sinapse bench` on 1, 2, 4, ... threads, up to this machine's
# cores, for the article's network (full batch and batch 32, MNIST 42k) and wide-dropout (batch 64), each row against
# the best of the fewer thread counts before it. Run by hand on a many-core machine (not in CI); a few minutes.
#
#   bench/threads.sh                        # 1, 2, 4, ... up to nproc; builds apps/target/sinapse.jar if missing
#   COUNTS="1 2 8 16" bench/threads.sh      # other thread counts
#   DATA=mnist-42k.csv WIDE_DATA=fashion-42k.csv bench/threads.sh   # other Kaggle-layout CSVs
#   SINAPSE="path/to/java -Xmx300m -jar sinapse.jar" bench/threads.sh   # a runtime copied to a machine without a JDK
#
# Prints one line a run and a table: a ratio under 1.00 (more threads slower than fewer) is marked "SLOWER".
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cores="$(nproc)"
counts="${COUNTS:-$(c=1; while [ "$c" -lt "$cores" ]; do printf '%s ' "$c"; c=$((c * 2)); done; echo "$cores")}"
jar="$repo/apps/target/sinapse.jar"
if [ -z "${SINAPSE:-}" ] && [ ! -f "$jar" ]; then
    echo "== building $jar"
    (cd "$repo" && ./mvnw -B -ntp -q package -DskipTests)
fi
sinapse="${SINAPSE:-java -Xmx300m -jar $jar}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

data="${DATA:-}"
if [ -z "$data" ]; then
    # MNIST 42k: the bundled 8,000 digits repeated, so the sparsity is MNIST's (as compare.sh builds it)
    data="$work/mnist-42k.csv"
    gz="$repo/apps/src/main/resources/dev/sinapse/apps/data/mnist-8k.csv.gz"
    { gzip -dc "$gz" | sed -n 1p; for _ in 1 2 3 4 5; do gzip -dc "$gz" | sed 1d; done; gzip -dc "$gz" | sed -n 2,2001p; } >"$data"
fi
wide_data="${WIDE_DATA:-$data}"
for f in "$data" "$wide_data"; do
    [ -f "$f" ] || { echo "threads.sh: no such data file: $f (expected a Kaggle-layout CSV)" >&2; exit 2; }
done

echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $cores cores; thread counts: $counts; Sinapse: $sinapse"
# workload label | unit | lower is better | bench arguments
workloads=(
    "article full batch|ms/iteration|1|--data $data --batch-size 0 --warmup 10 --iterations 40"
    "article batch 32|samples/s|0|--data $data --batch-size 32 --warmup 2 --iterations 4"
    "wide-dropout batch 64|samples/s|0|--config $repo/apps/configs/wide-dropout.textproto --data $wide_data --warmup 2 --iterations 2"
)
rows=()
for w in "${workloads[@]}"; do
    IFS='|' read -r label unit lower args <<<"$w"
    for t in $counts; do
        # shellcheck disable=SC2086  # args are words
        line="$($sinapse bench $args --threads "$t" 2>"$work/err" | tail -1)" || true
        if [[ "$line" != bench:* ]]; then
            echo "threads.sh: sinapse bench $args --threads $t failed:" >&2
            cat "$work/err" >&2
            exit 1
        fi
        key=$([ "$lower" = 1 ] && echo ms_per_iter || echo samples_per_s)
        value="$(echo "$line" | tr ' ' '\n' | sed -n "s/^$key=//p")"
        echo "   $label, $t threads: $line"
        rows+=("$label|$unit|$lower|$t|$value")
    done
done

echo
echo "== each count against the best fewer threads gave (>1.00: faster)"
python3 - "${rows[@]}" <<'PY'
import sys
best = {}
print(f"{'workload':24} {'threads':>7} {'value':>14} {'unit':>13} {'vs fewer':>9}")
for r in sys.argv[1:]:
    label, unit, lower, t, v = r.split('|')
    v = float(v)
    fast = (lambda a, b: a < b) if lower == '1' else (lambda a, b: a > b)
    prev = best.get(label)
    ratio = '' if prev is None else (prev / v if lower == '1' else v / prev)
    mark = '' if ratio == '' else f"{ratio:8.2f}x" + ('  SLOWER' if ratio < 1 else '')
    print(f"{label:24} {t:>7} {v:>14.1f} {unit:>13} {mark}")
    if prev is None or fast(v, prev):
        best[label] = v
PY
