#!/usr/bin/env bash
# Model throughput: our DJL Deep-Emotion beside the PyTorch reference, same machine, same run.
# Usage: scripts/bench-model.sh [batches] [rounds]   (needs python3-torch: apt-get install -y python3-torch)
# Each round times our block, then the reference, back to back; the goal is judged on the median of
# the rounds' own ratios, since this machine's speed drifts within a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
batches="${1:-30}"
rounds="${2:-1}"
mvn -q -B test-compile
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
classpath="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
export MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-1}
# Both sides get the same intra-op threads (THREADS, default all cores); on a shared, loaded machine
# THREADS=1 gives steadier figures, as OpenMP's spinning threads suffer most from contention.
export OMP_NUM_THREADS="${THREADS:-$(nproc)}"
ratios=target/bench-model-ratios.txt
: > "$ratios"
for round in $(seq 1 "$rounds"); do
  echo "round $round"
  java -Dai.djl.offline=true -cp "$classpath" io.emotionstream.bench.ModelBench "$batches" \
    | grep '_images_per_s' | tee target/bench-model-djl.txt
  (cd scripts/reference && /usr/bin/python3 bench_reference.py "$batches" 2>/dev/null) | tee target/bench-model-torch.txt
  for figure in train_b128 infer_b1 infer_b2 infer_b128; do
    ours=$(awk -v k="djl_${figure}_images_per_s" '$1 == k {print $2}' target/bench-model-djl.txt)
    theirs=$(awk -v k="torch_${figure}_images_per_s" '$1 == k {print $2}' target/bench-model-torch.txt)
    awk -v f="$figure" -v a="$ours" -v b="$theirs" 'BEGIN {printf "ratio_%s djl/torch %.2f\n", f, a / b}' \
      | tee -a "$ratios"
  done
done
if [[ "$rounds" -gt 1 ]]; then
  for figure in train_b128 infer_b1 infer_b2 infer_b128; do
    awk -v k="ratio_${figure}" '$1 == k {print $3}' "$ratios" | sort -n \
      | awk -v f="$figure" '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
          printf "median of %d rounds: ratio_%s djl/torch %.2f (rounds %.2f-%.2f)\n", NR, f, m, v[1], v[NR]}'
  done
fi
