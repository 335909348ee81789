#!/usr/bin/env bash
# Smoke test of the container images themselves, with podman on this host:
#   1. builds the JVM images from a local Debian base (docker/build.sh --local-base);
#   2. runs the worker container, read-only root, against the Kafka broker at --bootstrap (on
#      this host; no medlora worker of its own), and sends it a small LoRA training request on
#      synthetic lung X-rays with bin/medlora submit: the job must complete and publish into a
#      store folder mounted into the container;
#   3. runs the service container on that store, mounted read-only, following model-published:
#      its health check, readiness, GET /v1/models and one segment POST must answer;
#   4. stops both with SIGTERM: each must exit by itself within the grace period.
#
#   docker/smoke-test.sh --bootstrap 127.0.0.1:9092 [--work DIR]
#
# Needs root, podman, runc and debootstrap (bin/install-tools), and the service, the worker and
# the CLI built (./mvnw -B -pl inference-service,trainer-worker,cli -am install -DskipTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bootstrap= work=
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap) bootstrap="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "smoke-test.sh: unknown option $1 (usage at the top of docker/smoke-test.sh)" >&2; exit 2 ;;
  esac
done
[ -n "$bootstrap" ] || { echo "smoke-test.sh: --bootstrap HOST:PORT is required (a Kafka broker on this host)" >&2; exit 2; }
work="${work:-$(mktemp -d)}"
started=$SECONDS
say() { echo "smoke-test: [$((SECONDS - started)) s] $*"; }
pod() { podman --runtime runc --cgroup-manager cgroupfs "$@"; }
# A port nothing listens on (bash alone: connecting fails).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
# Waits up to $2 seconds until URL $1 answers 200.
wait_for() {
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then return 1; fi
    sleep 1
  done
}

mapfile -t images < <("$root/docker/build.sh" --local-base | tail -2)
service_image="${images[0]}" worker_image="${images[1]}"
say "built $service_image and $worker_image"

# The worker's inputs, and the store it publishes to (owned by the images' user).
mkdir -p "$work/datasets" "$work/checkpoints" "$work/store"
"$root/bin/medlora" synth --kind lung-xray --count 12 --size 128 --seed 1 --out "$work/datasets/lungs" >/dev/null
cp "$root/model/src/test/resources/dinov2-reference/fixture_a/weights_meta.safetensors" "$work/checkpoints/dinov2.safetensors"
chown 10001:10001 "$work/store"
request_id="smoke-$(date +%s)"
cat > "$work/request.json" <<JSON
{"request-id": "$request_id", "task": "lungs", "kind": "segmentation",
 "dataset": {"location": "lungs", "layout": "image-mask-folders"}, "checkpoint": "dinov2.safetensors",
 "method": {"kind": "lora"}, "epochs": 2, "batch-size": 4, "image-size": 112}
JSON

worker="medlora-smoke-worker-$$" service="medlora-smoke-service-$$"
cleanup() { pod rm -f -t 0 "$worker" "$service" >/dev/null 2>&1 || true; }
trap cleanup EXIT
# Every container as a cluster runs it: read-only root, writable tmpfs where the image says it
# writes (exec: native libraries are loaded from there), configuration through the environment.
# The images' health checks are run below with `podman healthcheck run`, not on a systemd timer.
run_opts=(--network host --read-only --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --tmpfs /tmp:rw,exec,size=2g
  --health-interval disable)

worker_port="$(free_port)"
pod run -d --name "$worker" "${run_opts[@]}" \
  --tmpfs /var/cache/djl:rw,exec,size=2g \
  -v "$work/store:/var/lib/medlora/store" \
  -v "$work/datasets:/var/lib/medlora/datasets:ro" \
  -v "$work/checkpoints:/var/lib/medlora/checkpoints:ro" \
  -e KAFKA_BOOTSTRAP_SERVERS="$bootstrap" -e QUARKUS_HTTP_PORT="$worker_port" \
  -e MP_MESSAGING_INCOMING_TRAINING_REQUESTS_GROUP_ID="medlora-smoke-$$" \
  "$worker_image" >/dev/null
if ! wait_for "http://127.0.0.1:$worker_port/q/health/ready" 180; then
  pod logs "$worker" | tail -40 >&2; echo "smoke-test: the worker container did not get ready" >&2; exit 1
fi
say "worker container ready on port $worker_port"

if ! "$root/bin/medlora" submit --bootstrap "$bootstrap" --request "$work/request.json"; then
  pod logs "$worker" | tail -40 >&2; echo "smoke-test: the training request did not complete" >&2; exit 1
fi
[ -f "$work/store/lungs/1/model.onnx" ] || { echo "smoke-test: no lungs/1/model.onnx in the store" >&2; exit 1; }
say "the worker container trained and published lungs/1"

service_port="$(free_port)"
pod run -d --name "$service" "${run_opts[@]}" \
  -v "$work/store:/var/lib/medlora/store:ro" \
  -e KAFKA_BOOTSTRAP_SERVERS="$bootstrap" -e QUARKUS_HTTP_PORT="$service_port" \
  -e MEDLORA_AUTH_API_KEYS=smoke-test-key \
  "$service_image" >/dev/null
base="http://127.0.0.1:$service_port"
if ! wait_for "$base/q/health/ready" 120; then
  pod logs "$service" | tail -40 >&2; echo "smoke-test: the service container did not get ready" >&2; exit 1
fi
say "service container ready on port $service_port"
for c in "$worker" "$service"; do
  pod healthcheck run "$c" || { echo "smoke-test: the health check of $c failed" >&2; exit 1; }
done
curl -fsS -H 'X-API-Key: smoke-test-key' "$base/v1/models" | grep -q '"lungs"' \
  || { echo "smoke-test: GET /v1/models does not list lungs" >&2; exit 1; }
image="$(find "$work/datasets/lungs/CXR_png" -name '*.png' | sort | head -1)"
status="$(curl -sS -o "$work/mask.png" -w '%{http_code} %{content_type}' -H 'X-API-Key: smoke-test-key' \
  -H 'Content-Type: image/png' --data-binary @"$image" "$base/v1/models/lungs/segment")"
[ "$status" = "200 image/png" ] || { echo "smoke-test: segment answered $status: $(cat "$work/mask.png")" >&2; exit 1; }
say "segment answered 200 with a mask PNG of $(stat -c %s "$work/mask.png") bytes"

# SIGTERM, then SIGKILL only after 30 s: both must have exited by themselves, as the JVM does on
# SIGTERM (143); 137 is the kill, anything else a failure while stopping.
codes=()
for c in "$service" "$worker"; do
  pod stop -t 30 "$c" >/dev/null
  code="$(pod inspect --format '{{.State.ExitCode}}' "$c")"
  [ "$code" != 137 ] || { echo "smoke-test: $c ignored SIGTERM and was killed" >&2; exit 1; }
  [ "$code" = 143 ] || { echo "smoke-test: $c exited $code on SIGTERM, not 143" >&2; exit 1; }
  codes+=("$code")
done
say "both containers stopped on SIGTERM (exit codes: service ${codes[0]}, worker ${codes[1]}); smoke test passed"
