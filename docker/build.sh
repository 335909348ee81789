#!/usr/bin/env bash
# Builds medlora's container images with podman from the Maven outputs (target/quarkus-app).
#
#   docker/build.sh                 the JVM images of the service and the worker (CPU)
#   docker/build.sh --gpu           their GPU variants (build the modules with -Dgpu first)
#   docker/build.sh --native        the service's native image (multi-stage, Mandrel builder)
#   docker/build.sh --print-images  the image names this script builds, one a line
#
# By default the images are built on the public base images their Dockerfiles name. With
# --local-base, the base is made on this machine instead, for hosts that reach no registry: a
# Debian bookworm root file system from debootstrap, imported into podman (kept for the next
# run), with a JRE from apt on top. MEDLORA_IMAGE_PREFIX (default "medlora") prefixes the names.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${MEDLORA_IMAGE_PREFIX:-medlora}"
# The images' tag is the Maven project version, which is also the Helm chart's appVersion.
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -1)"
service_image="$prefix/inference-service"
worker_image="$prefix/trainer-worker"
# Podman as it works on hosts with hybrid cgroups and low default limits (root, no daemon).
podman_opts=(--runtime runc --cgroup-manager cgroupfs)
limits=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
local_base=localhost/medlora-base:bookworm
local_jre=localhost/medlora-jre:17
cuda_base="nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"

gpu= native= local= print=
for arg in "$@"; do
  case "$arg" in
    --gpu) gpu=1 ;;
    --native) native=1 ;;
    --local-base) local=1 ;;
    --print-images) print=1 ;;
    *) echo "build.sh: unknown option $arg (see the comment at the top of docker/build.sh)" >&2; exit 2 ;;
  esac
done

tag() { echo "$version${gpu:+-gpu}"; }
if [ -n "$print" ]; then
  if [ -n "$native" ]; then echo "$service_image:$version-native"; exit 0; fi
  echo "$service_image:$(tag)"
  echo "$worker_image:$(tag)"
  exit 0
fi

pod() { podman "${podman_opts[@]}" "$@"; }
build() { pod build --format docker --network host "${limits[@]}" "$@"; }
# Builds image $1 from the repository root and removes its previous build, which would otherwise
# stay behind untagged (about 0.6 GB per image and run).
build_app() {
  local name="$1" old; shift
  old="$(pod image inspect --format '{{.Id}}' "$name" 2>/dev/null || true)"
  build "$@" -t "$name" "$root"
  if [ -n "$old" ] && [ "$old" != "$(pod image inspect --format '{{.Id}}' "$name")" ]; then
    pod rmi "$old" >/dev/null 2>&1 || true
  fi
}

# debootstrap's mirror: the Debian archive apt itself uses on this host (one-line or deb822
# sources), else Debian's own.
apt_mirror() {
  local mirror
  mirror="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -1 | tr -d ' ' || true)"
  echo "${mirror:-http://deb.debian.org/debian}"
}

ensure_local_jre() {
  if ! pod image exists "$local_base"; then
    local rootfs; rootfs="$(mktemp -d)"
    echo "build.sh: making $local_base with debootstrap (about 2 minutes, once)" >&2
    if ! debootstrap --variant=minbase bookworm "$rootfs" "$(apt_mirror)" >"$rootfs.log" 2>&1; then
      echo "build.sh: debootstrap failed (mirror $(apt_mirror)); its log: $rootfs.log" >&2
      exit 1
    fi
    tar -C "$rootfs" -c . | pod import - "$local_base" >/dev/null
    rm -rf "$rootfs" "$rootfs.log"
  fi
  if ! pod image exists "$local_jre"; then
    build -f "$root/docker/jre.Dockerfile" --build-arg "BASE_IMAGE=$local_base" -t "$local_jre" "$root/docker"
  fi
}

require_app() {
  local module="$1"
  if [ ! -f "$root/$module/target/quarkus-app/quarkus-run.jar" ]; then
    echo "build.sh: $module/target/quarkus-app is missing; build it first:" \
      "./mvnw -B -pl $module -am package -DskipTests${gpu:+ -Dgpu}" >&2
    exit 1
  fi
}

base_args=()
if [ -n "$local" ]; then
  ensure_local_jre
  base_args=(--build-arg "BASE_IMAGE=$local_jre")
elif [ -n "$gpu" ]; then
  # A JRE on NVIDIA's CUDA 12 runtime with cuDNN 9: what onnxruntime_gpu loads, and the driver
  # side of CUDA libtorch (which brings its own CUDA libraries in its jar).
  build -f "$root/docker/jre.Dockerfile" --build-arg "BASE_IMAGE=$cuda_base" -t "$prefix/jre-cuda:17" "$root/docker"
  base_args=(--build-arg "BASE_IMAGE=$prefix/jre-cuda:17")
fi

if [ -n "$native" ]; then
  build_app "$service_image:$version-native" -f "$root/docker/inference-service-native.Dockerfile"
  echo "$service_image:$version-native"
  exit 0
fi

require_app inference-service
require_app trainer-worker
build_app "$service_image:$(tag)" -f "$root/docker/inference-service.Dockerfile" "${base_args[@]}"
build_app "$worker_image:$(tag)" -f "$root/docker/trainer-worker.Dockerfile" "${base_args[@]}"
echo "$service_image:$(tag)"
echo "$worker_image:$(tag)"
