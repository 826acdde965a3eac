#!/usr/bin/env bash
# Side by side, on this machine and in one session: the article's NumPy code, the hand-written NumPy
# mini-batch reference, and Sinapse's `bench`, all on the same 42,000-row Kaggle-layout CSV built from
# Fashion-MNIST. Run by hand (not in CI); takes a few minutes. Prints the timings and their ratios.
#
#   bench/compare.sh                 # builds apps/target/sinapse.jar if missing
#   SINAPSE="java -Xmx300m -jar apps/target/sinapse.jar" bench/compare.sh   # one command instead of both kernels
#   ITERATIONS=500 EPOCHS=10 THREADS=2 bench/compare.sh
#   LENET_EPOCHS=3 bench/compare.sh  # epochs of the LeNet comparison (PyTorch's torch_lenet.py against Sinapse's lenet config)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
reference="$here/../../shared/reference"
iterations="${ITERATIONS:-500}"   # full-batch iterations, as in the article
epochs="${EPOCHS:-10}"            # mini-batch epochs
threads="${THREADS:-$(nproc)}"
py=/usr/bin/python3               # Debian's python, where python3-numpy and python3-pandas install

lenet_epochs="${LENET_EPOCHS:-3}"  # LeNet epochs on 41,000 rows (median epoch timed)
if [ ! -f "$reference/seed_numpy.py" ] || [ ! -f "$reference/numpy_minibatch.py" ]; then
    echo "compare.sh: the NumPy references are missing: expected $reference/seed_numpy.py and numpy_minibatch.py" >&2
    echo "            (they live in the shared folder beside the repository: ../shared/reference/)" >&2
    exit 2
fi

idx=/usr/share/datasets/fashion-mnist
if [ ! -f "$idx/train-images-idx3-ubyte.gz" ] || ! "$py" -c 'import numpy, pandas' 2>/dev/null; then
    echo "== installing Fashion-MNIST, NumPy and pandas (apt-get)"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq dataset-fashion-mnist python3-numpy python3-pandas >/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
csv="$work/fashion-42k.csv"
echo "== building $csv (the first 42,000 Fashion-MNIST training images, Kaggle layout: label,pixel0..pixel783)"
"$py" - "$idx" "$csv" <<'PY'
import gzip, sys, numpy as np
src, out = sys.argv[1], sys.argv[2]
X = np.frombuffer(gzip.open(src + '/train-images-idx3-ubyte.gz').read(), np.uint8, offset=16).reshape(-1, 784)[:42000]
y = np.frombuffer(gzip.open(src + '/train-labels-idx1-ubyte.gz').read(), np.uint8, offset=8)[:42000]
with open(out, 'w') as f:
    f.write('label,' + ','.join('pixel%d' % i for i in range(784)) + '\n')
    np.savetxt(f, np.column_stack([y, X]).astype(np.int64), fmt='%d', delimiter=',')
PY

jar="$repo/apps/target/sinapse.jar"
if [ -z "${SINAPSE:-}" ] && [ ! -f "$jar" ]; then
    echo "== building $jar"
    (cd "$repo" && ./mvnw -B -ntp -q package -DskipTests)
fi
# -Xmx300m: the runs themselves show that training on 42,000 rows fits in 300 MB of heap. Both kernels by default:
# plain kernels (SINAPSE_VECTOR=off), and the Vector API ones (what `java -jar` runs by default).
if [ -n "${SINAPSE:-}" ]; then
    kernels=("$SINAPSE")
else
    kernels=("env SINAPSE_VECTOR=off java -Xmx300m -jar $jar" "java -Xmx300m -jar $jar")
fi

value() { # value KEY LINE -> the number after KEY=
    echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1
}

echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(java -version 2>&1 | head -1)"
echo "== NumPy, the article's code: $iterations full-batch iterations"
np_full="$("$py" "$reference/seed_numpy.py" "$csv" "$iterations" | tail -1)"
echo "$np_full"
echo "== NumPy mini-batch reference: batch 32, $epochs epochs"
np_mini="$("$py" "$reference/numpy_minibatch.py" "$csv" 32 "$epochs" | tail -1)"
echo "$np_mini"

warm=20
results=()
for cmd in "${kernels[@]}"; do
    echo "== Sinapse bench ($cmd): full batch, $warm warm-up + $((iterations - warm)) timed iterations ($iterations steps in all), $threads threads"
    out="$($cmd bench --data "$csv" --batch-size 0 --warmup "$warm" --iterations "$((iterations - warm))" --threads "$threads" 2>/dev/null)"
    echo "$out"
    s_full="$(echo "$out" | tail -1)"
    echo "== Sinapse bench ($cmd): batch 32, 2 warm-up + $((epochs - 2)) timed epochs, $threads threads"
    out="$($cmd bench --data "$csv" --batch-size 32 --warmup 2 --iterations "$((epochs - 2))" --threads "$threads" 2>/dev/null)"
    echo "$out"
    s_mini="$(echo "$out" | tail -1)"
    results+=("$(value kernel "$s_full") $(value ms_per_iter "$s_full") $(value samples_per_s "$s_mini") $(value load_s "$s_full") $(value dev_acc "$s_full") $(value dev_acc "$s_mini") $(value peak_heap_mb "$s_full") $(value peak_heap_mb "$s_mini")")
done

echo
echo "== side by side (same machine, same session, same file)"
"$py" - "$(value ms_per_iter "$np_full")" "$(value median_epoch_samples_per_s "$np_mini")" "$(value load_s "$np_full")" \
    "$(value dev_acc "$np_full")" "$(value dev_acc "$np_mini")" "${results[@]}" <<'PY'
import sys
np_ms, np_sps, np_load = map(float, sys.argv[1:4])
np_acc_full, np_acc_mini = sys.argv[4:6]
print(f"NumPy        full batch {np_ms:7.1f} ms/iteration   batch 32 {np_sps:9.0f} samples/s   pandas load {np_load:.2f} s"
      f"   dev accuracy {np_acc_full} / {np_acc_mini}")
for r in sys.argv[6:]:
    kernel, ms, sps, load, acc_full, acc_mini, heap_full, heap_mini = r.split()
    ms, sps, load = float(ms), float(sps), float(load)
    print(f"Sinapse {kernel:>12}: full batch {ms:6.2f} ms ({np_ms / ms:4.1f}x faster)   batch 32 {sps:9.0f} samples/s"
          f" ({sps / np_sps:4.1f}x)   load {load:.2f} s   dev accuracy {acc_full} / {acc_mini}"
          f"   peak heap {heap_full} / {heap_mini} MB")
PY

# LeNet: the same network, Adam 1e-3 and batch 64 in PyTorch (torch_lenet.py) and in Sinapse (apps/configs/lenet.textproto,
# whose one dropout layer on 120 units costs nothing measurable), on the same file and thread count; samples/s of a
# training epoch, median over the epochs, and their ratio.
echo
if [ ! -f "$reference/torch_lenet.py" ]; then
    echo "== LeNet: skipped ($reference/torch_lenet.py is missing)"
    exit 0
fi
if ! "$py" -c 'import torch' 2>/dev/null; then
    echo "== installing PyTorch (apt-get python3-torch)"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get install -y -qq python3-torch >/dev/null
fi
echo "== LeNet, PyTorch: $lenet_epochs epochs, batch 64, $threads threads"
torch_line="$("$py" "$reference/torch_lenet.py" "$csv" "$lenet_epochs" "$threads" | tail -1)"
echo "$torch_line"
lenet_cmd="${kernels[${#kernels[@]}-1]}"
echo "== LeNet, Sinapse bench ($lenet_cmd): 1 warm-up + $lenet_epochs timed epochs, batch 64, $threads threads"
out="$($lenet_cmd bench --config "$repo/apps/configs/lenet.textproto" --data "$csv" --warmup 1 --iterations "$lenet_epochs" --threads "$threads" 2>/dev/null)"
echo "$out"
s_lenet="$(echo "$out" | tail -1)"
"$py" - "$(value samples_per_s "$torch_line")" "$(value samples_per_s "$s_lenet")" "$(value peak_heap_mb "$s_lenet")" <<'PY'
import sys
torch, sinapse, heap = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
print(f"LeNet        PyTorch {torch:9.0f} samples/s   Sinapse {sinapse:9.0f} samples/s   ratio {sinapse / torch:4.2f}x"
      f"   Sinapse peak heap {heap} MB")
PY
