# The inference service as a native executable: built in Quarkus' Mandrel builder image, run on
# Quarkus' UBI micro image. Build context: the repository root (the whole source; the stage
# builds the service and the modules it needs). Not buildable where no registry is reachable;
# README, "Deploy", gives the command.
ARG BUILDER_IMAGE=quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25
ARG BASE_IMAGE=quay.io/quarkus/ubi9-quarkus-micro-image:2.0

FROM ${BUILDER_IMAGE} AS build
USER root
COPY . /build
WORKDIR /build
RUN chown -R quarkus:quarkus /build
USER quarkus
# The native profile of inference-service; ONNX Runtime's JNI, reflection and bundled libraries
# are registered under its src/main/resources/META-INF/native-image/.
RUN ./mvnw -B -pl inference-service -am package -DskipTests -Dnative

FROM ${BASE_IMAGE}
WORKDIR /opt/medlora
COPY --from=build --chown=root:root /build/inference-service/target/*-runner /opt/medlora/inference-service
ENV MEDLORA_STORE_PATH=/var/lib/medlora/store
# Non-root, read-only root file system: ONNX Runtime unpacks its libraries into /tmp.
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD \
  bash -c 'exec 3<>/dev/tcp/127.0.0.1/${QUARKUS_HTTP_PORT:-8080} && printf "GET /q/health/live HTTP/1.0\r\n\r\n" >&3 && head -1 <&3 | grep -q " 200 "'
ENTRYPOINT ["/opt/medlora/inference-service", "-Djava.io.tmpdir=/tmp"]
