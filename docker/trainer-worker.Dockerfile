# The trainer worker, JVM mode with libtorch, from `./mvnw -pl trainer-worker -am package` (build
# context: the repository root). CPU libtorch by default; GPU: the worker built with -Dgpu (CUDA
# libtorch in its lib/ folder) on BASE_IMAGE = a JRE on NVIDIA's CUDA runtime base (README, "Deploy").
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

RUN useradd --system --uid 10001 --user-group --home-dir /nonexistent --no-create-home medlora
COPY --chown=root:root trainer-worker/target/quarkus-app/ /opt/medlora/trainer-worker/
WORKDIR /opt/medlora/trainer-worker

# Writes go to three places only, so the root file system can be read-only: the model store
# (a volume), /tmp, and DJL_CACHE_DIR, where DJL unpacks libtorch from its jar at start
# (ai.djl.offline: never a download). The health endpoint listens on every interface, as the
# platform's probes come from outside the container (outside one, the worker binds to loopback).
ENV MEDLORA_STORE_PATH=/var/lib/medlora/store \
    MEDLORA_WORKER_DATASET_ROOT=/var/lib/medlora/datasets \
    MEDLORA_WORKER_CHECKPOINT_ROOT=/var/lib/medlora/checkpoints \
    DJL_CACHE_DIR=/var/cache/djl \
    QUARKUS_HTTP_HOST=0.0.0.0 \
    OMP_WAIT_POLICY=PASSIVE \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp -Dai.djl.offline=true"
USER 10001:10001
EXPOSE 8081
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 CMD \
  bash -c 'exec 3<>/dev/tcp/127.0.0.1/${QUARKUS_HTTP_PORT:-8081} && printf "GET /q/health/live HTTP/1.0\r\n\r\n" >&3 && head -1 <&3 | grep -q " 200 "'
# SIGTERM reaches the JVM (PID 1); a job it does not finish stays unacknowledged and is redelivered.
ENTRYPOINT ["java", "-jar", "quarkus-run.jar"]
