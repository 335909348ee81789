# A Java 17 runtime on a Debian or Ubuntu base, for the images' BASE_IMAGE where no JRE image
# fits: docker/build.sh puts it on its local Debian base, and the GPU images on NVIDIA's CUDA
# runtime base (README, "Deploy"). Only the JRE and CA certificates: no build tools.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*
