#!/usr/bin/env bash
# int8 against fp32 on this machine's CPU, one command: speed of the exported ViT-S/14 segmenter
# at 448x448 (batch 1 and 8, the models in one JVM, timed alternately), then the task-level
# check of int8 exports trained on the synthetic data sets (random ViT-S/14 backbone, linear
# probe; the lungs also with the upsampling decoder), as the manifest records it.
# Writes benchmarks/INT8.md. Work files go to $MEDLORA_BENCH_DIR (default out/int8-bench).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${MEDLORA_BENCH_DIR:-$root/out/int8-bench}"
out="$root/benchmarks/INT8.md"
mkdir -p "$work"
cd "$root"
log="$work/log.txt"
: > "$log"

rows=$(mktemp)
for batch in 1 8; do
  iterations=$([ "$batch" = 1 ] && echo 20 || echo 5)
  bin/medlora bench --scenarios int8 --sizes 448 --onnx-batches "$batch" --iterations "$iterations" \
    2>>"$log" | tail -n +3 >> "$rows"
done

echo "int8.sh: writing a random ViT-S/14 and the synthetic data sets..." >&2
./mvnw -q -B -pl test-models -am install -DskipTests >&2
if [ ! -f "$work/vits14-random.safetensors" ]; then
  java -Xmx4g -Dai.djl.offline=true \
    -cp "test-models/target/classes:$(cat test-models/target/runtime-classpath.txt)" \
    org.medlora.testmodels.RandomVitS14 "$work" >&2
fi
for kind in lung-xray pneumonia-xray breast-ultrasound; do
  [ -d "$work/$kind" ] || bin/medlora synth --kind "$kind" --count 60 --seed 1 --size 512 --out "$work/$kind" >&2
done

train() { # request-id kind dataset layout extra
  local request="$work/$1.json"
  cat > "$request" <<JSON
{"request-id": "$1", "task": "$1", "kind": "$2",
 "dataset": {"location": "$3", "layout": "$4"},
 "checkpoint": "$work/vits14-random.safetensors",
 "method": {"kind": "linear"}, "optimizer": {"learning-rate": 0.05}, "epochs": 20, $5
 "export": {"precision": "int8"}}
JSON
  rm -rf "$work/store/$1"
  bin/medlora train --request "$request" --store "$work/store" >>"$log" 2>&1 \
    || echo "$1: the int8 export was refused or training failed; see $log" >&2
}
train lungs-int8 segmentation "$work/lung-xray" image-mask-folders ""
train lungs-decoder-int8 segmentation "$work/lung-xray" image-mask-folders '"decoder": {"train": true, "epochs": 10},'
train busi-int8 segmentation "$work/breast-ultrasound" busi ""
train pneumonia-int8 classification "$work/pneumonia-xray" kermany ""

# int8's speed-up at each batch size, against the fp32 export and against fp32 on equal attention
ratios=$(awk -F'|' '
  function trim(s) { gsub(/^ +| +$/, "", s); return s }
  { scenario = trim($2); batch = trim($4); median = trim($5)
    if (!(batch in seen)) { seen[batch] = 1; order[++n] = batch }
    if (scenario == "segmenter ORT fp32") fp32[batch] = median
    else if (scenario == "segmenter ORT int8") int8[batch] = median
    else if (scenario == "segmenter ORT fp32, int8\047s fused attention (not exported)") fused[batch] = median }
  END { for (i = 1; i <= n; i++) { b = order[i]
    printf "- batch %s: int8 %.2fx faster than the fp32 export; %.2fx than fp32 with the same fused attention\n",
      b, fp32[b] / int8[b], fused[b] / int8[b] } }' "$rows")

checks=$(/usr/bin/python3 - "$work/store" <<'PY'
import json, pathlib, sys
for m in sorted(pathlib.Path(sys.argv[1]).glob("*/*/manifest.json")):
    d = json.loads(m.read_text())
    q = d["verification"]["quantization"]
    if q is None:
        continue
    agree = f'mask Dice {q["dice-vs-fp32"]:.4f}' if q["dice-vs-fp32"] is not None else f'top-1 {q["top1-agreement"]:.4f}'
    metrics = ", ".join(f'{k} {q["fp32-metrics"][k]:.4f} -> {q["int8-metrics"][k]:.4f}' for k in q["fp32-metrics"])
    print(f'| {d["task"]} | {q["images"]} {q["held-out"]} | {agree} | {metrics} |')
PY
)

{
  echo "# int8 against fp32"
  echo
  echo "Command: \`benchmarks/int8.sh\`. Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores;"
  echo "ONNX Runtime 1.23 (CPU), $(nproc) intra-op threads; $(date -u +%Y-%m-%d)."
  echo
  echo "## Speed"
  echo
  echo "The exported segmenter (random-weight ViT-S/14, 2-class linear head, bilinear upsampling to"
  echo "448x448, mask), fp32 and int8 sessions in one JVM, run alternately. The int8 export computes"
  echo "attention with opset 23's fused Attention op; the fp32 export keeps the separate operators,"
  echo "since it is also served on CUDA, where ONNX Runtime 1.23 has no kernel for that op. The third"
  echo "row is the fp32 graph with int8's fused attention (not exported): int8 against it compares the"
  echo "two on equal attention. Peak RSS is the process's, with all three sessions loaded."
  echo
  echo "| scenario | input | batch | median ms | min ms | peak RSS MB | trainable params |"
  echo "|---|---|---|---|---|---|---|"
  cat "$rows"
  echo
  echo "$ratios"
  echo
  echo "## Task-level check on the synthetic data sets"
  echo
  echo "Linear probe (20 epochs) on a random-weight ViT-S/14 at 448x448, 60 synthetic images each,"
  echo "exported at int8 and checked on the validation split against the float32 export (default"
  echo "bounds: mask Dice against fp32 >= 0.98, metric drop <= 0.01, top-1 agreement >= 0.99)."
  echo "A missing row is an export the check refused (its figures are in the log)."
  echo
  echo "| task | images | int8 vs fp32 | fp32 -> int8 against the truth |"
  echo "|---|---|---|---|"
  echo "$checks"
} > "$out"
rm -f "$rows"
cat "$out"
