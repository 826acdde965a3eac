#!/usr/bin/env bash
# Every speed anchor side by side, on this machine and in one session, with its ratio:
#   - the article's network, full batch, against the article's NumPy code (seed_numpy.py), on MNIST 42k (the
#     bundled 8,000 digits repeated to 42,000 rows, so the sparsity is MNIST's) and on Fashion-MNIST 42k;
#   - the article's network, batch 32, against the NumPy mini-batch trainer (numpy_minibatch.py), on both;
#   - wide-dropout (784-128-64-10, ReLU, dropout 0.2, Adam, batch 64) against numpy_wide.py on Fashion 42k;
#   - Sinapse on 1 and on THREADS threads for the full batch and for wide-dropout (the threads' pay-off);
#   - the peak heap of every Sinapse run, which runs under -Xmx300m.
# Run by hand (not in CI); takes several minutes.
#
#   bench/compare.sh                                     # builds apps/target/sinapse.jar if missing
#   ITERATIONS=100 EPOCHS=4 WIDE_EPOCHS=2 bench/compare.sh   # a shorter run
#   SINAPSE="env SINAPSE_VECTOR=off java -Xmx300m -jar apps/target/sinapse.jar" bench/compare.sh   # the plain kernels
#   LENET_EPOCHS=3 bench/compare.sh  # epochs of the LeNet comparison (torch_lenet.py against the lenet config)
#   PY=python3 FASHION_IDX=DIR REFERENCE=DIR bench/compare.sh  # another python with numpy, pandas and torch; files elsewhere
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
reference="${REFERENCE:-$here/../../shared/reference}"
iterations="${ITERATIONS:-500}"   # full-batch iterations, as in the article
epochs="${EPOCHS:-10}"            # mini-batch epochs of the article's network
wide_epochs="${WIDE_EPOCHS:-3}"   # wide-dropout epochs (numpy_wide.py's default)
threads="${THREADS:-$(nproc)}"
py="${PY:-/usr/bin/python3}"      # Debian's python, where python3-numpy and python3-pandas install (PY: another one with both)

lenet_epochs="${LENET_EPOCHS:-3}"  # LeNet epochs on 41,000 rows (median epoch timed)
for f in seed_numpy.py numpy_minibatch.py numpy_wide.py common.py torch_lenet.py; do
    if [ ! -f "$reference/$f" ]; then
        echo "compare.sh: the NumPy references are missing: expected $reference/$f" >&2
        echo "            (they live in the shared folder beside the repository, ../shared/reference/, or set REFERENCE)" >&2
        exit 2
    fi
done

idx="${FASHION_IDX:-/usr/share/datasets/fashion-mnist}"   # dataset-fashion-mnist's IDX files (FASHION_IDX: elsewhere)
if [ ! -f "$idx/train-images-idx3-ubyte.gz" ] || ! "$py" -c 'import numpy, pandas' 2>/dev/null; then
    echo "== installing Fashion-MNIST, NumPy and pandas (apt-get)"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq dataset-fashion-mnist python3-numpy python3-pandas >/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mnist="$work/mnist-42k.csv"
fashion="$work/fashion-42k.csv"
echo "== building the two 42,000-row Kaggle-layout CSVs (label,pixel0..pixel783)"
"$py" - "$idx" "$repo/apps/src/main/resources/dev/sinapse/apps/data/mnist-8k.csv.gz" "$mnist" "$fashion" <<'PY'
import gzip, sys, numpy as np
src, digits, mnist, fashion = sys.argv[1:5]
header = 'label,' + ','.join('pixel%d' % i for i in range(784)) + '\n'
def write(path, y, X):
    with open(path, 'w') as f:
        f.write(header)
        np.savetxt(f, np.column_stack([y, X]).astype(np.int64), fmt='%d', delimiter=',')
D = np.loadtxt(gzip.open(digits), delimiter=',', skiprows=1, dtype=np.int64)
D = np.tile(D, (42000 // len(D) + 1, 1))[:42000]   # MNIST's own sparsity (81% zeros), 42,000 rows
write(mnist, D[:, 0], D[:, 1:])
X = np.frombuffer(gzip.open(src + '/train-images-idx3-ubyte.gz').read(), np.uint8, offset=16).reshape(-1, 784)[:42000]
y = np.frombuffer(gzip.open(src + '/train-labels-idx1-ubyte.gz').read(), np.uint8, offset=8)[:42000]
write(fashion, y, X)
PY

jar="$repo/apps/target/sinapse.jar"
if [ -z "${SINAPSE:-}" ] && [ ! -f "$jar" ]; then
    echo "== building $jar"
    (cd "$repo" && ./mvnw -B -ntp -q package -DskipTests)
fi
# -Xmx300m: the runs themselves show that training on 42,000 rows fits in 300 MB of heap
sinapse="${SINAPSE:-java -Xmx300m -jar $jar}"

value() { # value KEY LINE -> the number after KEY=
    echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1
}
rows=()   # "workload|reference value|reference unit|sinapse value|sinapse unit|lower is better|heap|kernel|extra"
bench() { # bench LABEL ARGS... -> the last line of `sinapse bench`
    local label="$1" out
    shift
    out="$($sinapse bench "$@" 2>"$work/bench.err" | tail -1)" || true
    if [[ "$out" != bench:* ]]; then
        echo "compare.sh: sinapse bench $* failed:" >&2
        cat "$work/bench.err" >&2
        exit 1
    fi
    echo "   $label: $out" >&2
    echo "$out"
}

echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(java -version 2>&1 | head -1); Sinapse: $sinapse"
# two-thread figures follow how far apart the cores are, which can change by the minute on a VM (performance.md, round 8)
round_trip() { java "$here/RoundTrip.java" 2>/dev/null || echo "not measured (needs a JDK's source launcher)"; }
trip_before="$(round_trip)"
echo "== two cores' round trip (a cache line there and back): $trip_before"
warm=20
for data in mnist fashion; do
    csv="$work/$data-42k.csv"
    echo "== $data 42k: NumPy, the article's code, $iterations full-batch iterations"
    np_full="$("$py" "$reference/seed_numpy.py" "$csv" "$iterations" | tail -1)"
    echo "   $np_full"
    echo "== $data 42k: NumPy mini-batch reference, batch 32, $epochs epochs"
    np_mini="$("$py" "$reference/numpy_minibatch.py" "$csv" 32 "$epochs" | tail -1)"
    echo "   $np_mini"
    echo "== $data 42k: Sinapse, the article's network, full batch on 1 and $threads threads, batch 32 on $threads"
    one="$(bench "full batch, 1 thread" --data "$csv" --batch-size 0 --warmup "$warm" --iterations "$((iterations - warm))" --threads 1)"
    all="$(bench "full batch, $threads threads" --data "$csv" --batch-size 0 --warmup "$warm" --iterations "$((iterations - warm))" --threads "$threads")"
    mini="$(bench "batch 32, $threads threads" --data "$csv" --batch-size 32 --warmup 2 --iterations "$((epochs - 2))" --threads "$threads")"
    rows+=("article full batch, $data 42k|$(value ms_per_iter "$np_full")|ms/iteration|$(value ms_per_iter "$all")|ms/iteration|1|$(value peak_heap_mb "$all")|$(value kernel "$all")|1 thread $(value ms_per_iter "$one") ms: $threads threads are $("$py" -c "print(f'{$(value ms_per_iter "$one")/$(value ms_per_iter "$all"):.2f}')")x one")
    rows+=("article batch 32, $data 42k|$(value median_epoch_samples_per_s "$np_mini")|samples/s|$(value samples_per_s "$mini")|samples/s|0|$(value peak_heap_mb "$mini")|$(value kernel "$mini")|dev accuracy NumPy $(value dev_acc "$np_mini"), Sinapse $(value dev_acc "$mini")")
done

echo "== fashion 42k: numpy_wide.py (784-128-64-10, dropout 0.2, Adam, batch 64), $wide_epochs epochs"
np_wide="$("$py" "$reference/numpy_wide.py" "$fashion" "$wide_epochs" 64 | tail -1)"
echo "   $np_wide"
echo "== fashion 42k: Sinapse wide-dropout on 1 and $threads threads"
wide_cfg="$repo/apps/configs/wide-dropout.textproto"
# the median of wide_epochs epochs after two warm-up epochs, as numpy_wide.py gives the median of its epochs: the
# layer-by-layer path's code is still being compiled by C2 in its first two epochs (one warm-up epoch left the
# timed epochs 10-30% slower than the later ones)
w1="$(bench "wide-dropout, 1 thread" --config "$wide_cfg" --data "$fashion" --warmup 2 --iterations "$wide_epochs" --threads 1)"
wn="$(bench "wide-dropout, $threads threads" --config "$wide_cfg" --data "$fashion" --warmup 2 --iterations "$wide_epochs" --threads "$threads")"
rows+=("wide-dropout batch 64, fashion 42k|$(value samples_per_s "$np_wide")|samples/s|$(value samples_per_s "$wn")|samples/s|0|$(value peak_heap_mb "$wn")|$(value kernel "$wn")|1 thread $(value samples_per_s "$w1") samples/s: $threads threads are $("$py" -c "print(f'{$(value samples_per_s "$wn")/$(value samples_per_s "$w1"):.2f}')")x one")

# LeNet: the same network, Adam 1e-3 and batch 64 in PyTorch (torch_lenet.py) and in Sinapse (apps/configs/lenet.textproto,
# whose one dropout layer on 120 units costs nothing measurable), on MNIST 42k with the same thread count; samples/s of
# a training epoch, median over the epochs
if ! "$py" -c 'import torch' 2>/dev/null; then
    echo "== installing PyTorch (apt-get python3-torch)"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get install -y -qq python3-torch >/dev/null
fi
echo "== mnist 42k: LeNet in PyTorch, $lenet_epochs epochs, batch 64, $threads threads"
torch_line="$("$py" "$reference/torch_lenet.py" "$mnist" "$lenet_epochs" "$threads" | tail -1)"
echo "   $torch_line"
echo "== mnist 42k: Sinapse lenet, 1 warm-up + $lenet_epochs timed epochs, batch 64, $threads threads"
ln="$(bench "lenet, $threads threads" --config "$repo/apps/configs/lenet.textproto" --data "$mnist" --warmup 1 --iterations "$lenet_epochs" --threads "$threads")"
rows+=("lenet batch 64, mnist 42k|$(value samples_per_s "$torch_line")|samples/s|$(value samples_per_s "$ln")|samples/s|0|$(value peak_heap_mb "$ln")|$(value kernel "$ln")|against PyTorch (torch_lenet.py)")

trip_after="$(round_trip)"
echo
echo "== side by side (same machine, same session, same files; Sinapse on $threads threads; cores' round trip $trip_before before, $trip_after after)"
"$py" - "${rows[@]}" <<'PY'
import sys
print(f"{'workload':38} {'reference':>22} {'Sinapse':>22} {'ratio':>7}  {'heap':>7}  kernel, notes")
for r in sys.argv[1:]:
    name, ref, unit, mine, unit2, lower, heap, kernel, extra = r.split('|')
    ref, mine = float(ref), float(mine)
    ratio = ref / mine if lower == '1' else mine / ref
    print(f"{name:38} {ref:>12.1f} {unit:>9} {mine:>12.1f} {unit2:>9} {ratio:6.2f}x  {heap:>4} MB  {kernel}; {extra}")
PY

