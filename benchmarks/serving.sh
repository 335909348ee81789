#!/usr/bin/env bash
# Serving benchmark: the inference service against a bare ONNX Runtime session.run of the same
# model and input, and throughput at concurrency 8 with and without dynamic batching.
# Writes benchmarks/SERVING.md. Loopback only; bounded (fixed request counts, time limits).
#
# The model is a random-weight DINOv2 ViT-S/14 with a 2-class segmentation head at 448x448,
# exported by bin/medlora export (medlora never downloads weights). Work files go to
# $MEDLORA_BENCH_DIR (default out/serving-bench) and are reused by later runs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${MEDLORA_BENCH_DIR:-$root/out/serving-bench}"
mkdir -p "$work"
work="$(cd "$work" && pwd)" # absolute: Maven resolves relative output files per module
cd "$root"

echo "serving.sh: building the inference service and its test classes..." >&2
./mvnw -q -B -pl inference-service,test-models -am install -DskipTests >&2
cp_file="$work/test-classpath.txt"
./mvnw -q -B -pl inference-service dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
classpath="inference-service/target/test-classes:inference-service/target/classes:$(cat "$cp_file")"

if [ ! -d "$work/store/bench-lungs" ]; then
  echo "serving.sh: writing a random ViT-S/14 and exporting it at 448x448..." >&2
  java -Xmx4g -Dai.djl.offline=true \
    -cp "test-models/target/classes:$(cat test-models/target/runtime-classpath.txt)" \
    org.medlora.testmodels.RandomVitS14 "$work"
  bin/medlora export --checkpoint "$work/vits14-random.safetensors" \
    --head "$work/seg-head-448.safetensors" --size 448x448 --store "$work/store" --task bench-lungs
fi

java -Xmx2g -cp "$classpath" org.medlora.service.bench.ServingBenchmark \
  "$work/store" bench-lungs inference-service/target/quarkus-app/quarkus-run.jar \
  "$root/benchmarks/SERVING.md"
