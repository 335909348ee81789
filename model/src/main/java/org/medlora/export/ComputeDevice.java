package org.medlora.export;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Where libtorch computes: the first GPU it sees, else the CPU. Picked at run time, so one
 * worker image trains on a GPU node and on a CPU node alike; a CPU build of libtorch sees no GPU.
 * This is DJL's default device, which every {@code NDManager} of training and export uses, so
 * the label recorded for a model (its manifest's {@code software.device}, the {@code accepted}
 * event) is where it really ran.
 */
public final class ComputeDevice {

  private ComputeDevice() {}

  /** The device for this process's libtorch. */
  public static Device current() {
    return choose(Engine.getEngine("PyTorch").getGpuCount());
  }

  /** The first GPU when there is one, else the CPU. */
  static Device choose(int gpuCount) {
    return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
  }

  /** {@code cpu} or {@code gpu:N}, as events and manifests record it. */
  public static String label(Device device) {
    return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
  }
}
