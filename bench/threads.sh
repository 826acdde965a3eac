#!/usr/bin/env bash
# More cores must never make a step slower than fewer: `sinapse bench` on 1, 2, 4, ... threads, up to this machine's
# cores, for the article's network (full batch and batch 32, MNIST 42k) and wide-dropout (batch 64), each row against
# the best of the fewer thread counts before it. Run by hand on a many-core machine (not in CI); a few minutes.
#
#   bench/threads.sh                        # 1, 2, 4, ... up to nproc; builds apps/target/sinapse.jar if missing
#   COUNTS="1 2 8 16" bench/threads.sh      # other thread counts
#   DATA=mnist-42k.csv WIDE_DATA=fashion-42k.csv bench/threads.sh   # other Kaggle-layout CSVs
#   SINAPSE="path/to/java -Xmx300m -jar sinapse.jar" bench/threads.sh   # a runtime copied to a machine without a JDK
#   ROUNDS=5 bench/threads.sh               # runs a count (default 3), alternated with the other counts
#
# Prints one line a run and a table of medians: a count whose median is slower than a fewer count's is marked
# "SLOWER" when all its runs lost to all of that count's, else "within the runs' spread".
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
    "article full batch|ms/iteration|1|--data $data --batch-size 0 --warmup 30 --iterations 60"
    "article batch 32|samples/s|0|--data $data --batch-size 32 --warmup 2 --iterations 4"
    "wide-dropout batch 64|samples/s|0|--config $repo/apps/configs/wide-dropout.textproto --data $wide_data --warmup 2 --iterations 2"
)
rounds="${ROUNDS:-3}"
rows=()
for w in "${workloads[@]}"; do
    IFS='|' read -r label unit lower args <<<"$w"
    # the counts alternate within a round, in reverse order every other round, so that a machine whose speed drifts
    # (a shared host, a VM whose cores move) moves every count's figures alike
    for ((r = 1; r <= rounds; r++)); do
        order="$counts"
        [ $((r % 2)) = 0 ] && order="$(echo "$counts" | tr ' ' '\n' | sed '/^$/d' | tac | paste -sd' ')"
        for t in $order; do
            # shellcheck disable=SC2086  # args are words
            line="$($sinapse bench $args --threads "$t" 2>"$work/err" | tail -1)" || true
            if [[ "$line" != bench:* ]]; then
                echo "threads.sh: sinapse bench $args --threads $t failed:" >&2
                cat "$work/err" >&2
                exit 1
            fi
            key=$([ "$lower" = 1 ] && echo ms_per_iter || echo samples_per_s)
            value="$(echo "$line" | tr ' ' '\n' | sed -n "s/^$key=//p")"
            echo "   $label, $t threads, round $r: $line"
            rows+=("$label|$unit|$lower|$t|$value")
        done
    done
done

echo
echo "== each count's median against the best median of fewer threads (>1.00: faster; $rounds rounds)"
python3 - "$counts" "${rows[@]}" <<'PY'
import statistics, sys
counts = [int(c) for c in sys.argv[1].split()]
runs = {}
for r in sys.argv[2:]:
    label, unit, lower, t, v = r.split('|')
    runs.setdefault((label, unit, lower), {}).setdefault(int(t), []).append(float(v))
print(f"{'workload':24} {'threads':>7} {'median':>12} {'range':>23} {'unit':>13} {'vs fewer':>9}")
for (label, unit, lower), by in runs.items():
    better = (lambda a, b: a < b) if lower == '1' else (lambda a, b: a > b)
    best = None  # (median, runs) of the best fewer count
    for t in counts:
        vs = by[t]
        med = statistics.median(vs)
        mark = ''
        if best is not None:
            ratio = best[0] / med if lower == '1' else med / best[0]
            mark = f"{ratio:8.2f}x"
            if ratio < 1:
                # SLOWER only when every run of this count lost to every run of the better fewer count: one run each
                # on a shared machine flagged counts that alternated runs then showed to be level
                worst_fewer = max(best[1]) if lower == '1' else min(best[1])
                mark += '  SLOWER' if all(better(worst_fewer, v) for v in vs) else '  (within the runs\' spread)'
        rng = f"{min(vs):.1f}-{max(vs):.1f}"
        print(f"{label:24} {t:>7} {med:>12.1f} {rng:>23} {unit:>13} {mark}")
        if best is None or better(med, best[0]):
            best = (med, vs)
PY
