#!/usr/bin/env bash
# Speed and memory on this machine: each scenario in its own JVM, so every peak RSS is that
# scenario's alone. Writes benchmarks/RESULTS.md. Takes about 25 minutes on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/benchmarks/RESULTS.md"
rows=$(mktemp)
log=$(mktemp)

run() {
  if ! "$root/bin/medlora" bench "$@" 2>>"$log" | tail -n +3 >> "$rows"; then
    echo "benchmark failed: bin/medlora bench $*" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

for size in 224 448; do
  run --scenarios inference --sizes "$size" --iterations 10
done
for size in 224 448; do
  for method in linear lora full; do
    run --scenarios "$method" --sizes "$size" --batch 4 --rank 8 --iterations 5
  done
done
for batch in 1 8; do
  run --scenarios onnx --sizes 448 --onnx-batches "$batch" --iterations 5
done
runs=$(mktemp)
"$root/bin/medlora" bench --scenarios runs --sizes 224,448 2>>"$log" > "$runs" || { tail -n 20 "$log" >&2; exit 1; }

{
  echo "# Benchmark results"
  echo
  echo "ViT-S/14 with random weights, fp32, DJL 0.36 on libtorch 2.7.1 and ONNX Runtime 1.23 (CPU),"
  echo "$(nproc) threads. Command: \`benchmarks/run.sh\` (each row is \`bin/medlora bench\` in a fresh JVM)."
  echo "\"bare libtorch\" is the same forward pass as a flat list of libtorch calls on the same"
  echo "weights, timed alternately with the backbone: the gap is what medlora's own code costs."
  echo "Training rows: one AdamW step of backbone + linear segmentation head, LoRA r=8 on q,v."
  echo "Segmenter rows: the exported model (backbone, 2-class linear head, bilinear upsampling to"
  echo "448x448, argmax mask) in ONNX Runtime against the DJL forward of the same weights."
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores," \
       "$(free -g | awk '/Mem:/{print $2}') GiB RAM; $(java -version 2>&1 | head -1);" \
       "malloc: $(ldconfig -p | awk '/libtcmalloc_minimal\.so\.4 /{n++} END {print (n ? "tcmalloc" : "glibc")}'); $(date -u +%Y-%m-%d)."
  echo
  echo "| scenario | input | batch | median ms | min ms | peak RSS MB | trainable params |"
  echo "|---|---|---|---|---|---|---|"
  cat "$rows"
  echo
  echo "Whole training runs (\`bin/medlora bench --scenarios runs\`): ViT-S/14 random weights on 24"
  echo "synthetic images (lung X-rays with masks; pneumonia X-rays), 2 epochs, batch 4, LoRA r=8;"
  echo "images/s is the second epoch's training images over its time, validation included. LoRA runs"
  echo "twice: with the next batches read on the training thread (inline, as before prefetching) and"
  echo "on a loading thread (ahead, the default); the weights are the same bit for bit. The"
  echo "linear probe computes the backbone's features once, before its first epoch (last column;"
  echo "reading data and checkpoint included), then trains the head alone on them."
  echo
  cat "$runs"
} > "$out"
rm -f "$rows" "$log" "$runs"
cat "$out"
