# The inference service, JVM mode, from `./mvnw -pl inference-service -am package` (build context:
# the repository root). GPU: BASE_IMAGE = a JRE on NVIDIA's CUDA runtime base and the service
# built with -Dgpu (onnxruntime_gpu); see README, "Deploy".
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

# Non-root; the root file system can be read-only: ONNX Runtime unpacks its native libraries
# into /tmp and request bodies are buffered there, nothing else is written.
RUN useradd --system --uid 10001 --user-group --home-dir /nonexistent --no-create-home medlora
COPY --chown=root:root inference-service/target/quarkus-app/ /opt/medlora/inference-service/
WORKDIR /opt/medlora/inference-service

# Configuration only through environment variables (README, "Configuration").
ENV MEDLORA_STORE_PATH=/var/lib/medlora/store \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp"
USER 10001:10001
EXPOSE 8080
# bash's /dev/tcp: no curl in the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD \
  bash -c 'exec 3<>/dev/tcp/127.0.0.1/${QUARKUS_HTTP_PORT:-8080} && printf "GET /q/health/live HTTP/1.0\r\n\r\n" >&3 && head -1 <&3 | grep -q " 200 "'
# The JVM is PID 1 and gets SIGTERM itself: Quarkus drains in-flight requests (quarkus.shutdown.timeout).
ENTRYPOINT ["java", "-jar", "quarkus-run.jar"]
