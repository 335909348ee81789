package org.medlora.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The GPU when libtorch sees one, else the CPU; no GPU here, so the fallback is what runs. */
class ComputeDeviceTest {

  @Test
  void choosesTheFirstGpuWhenThereIsOneElseTheCpu() {
    assertEquals(Device.cpu(), ComputeDevice.choose(0));
    assertEquals(Device.gpu(0), ComputeDevice.choose(1));
    assertEquals(Device.gpu(0), ComputeDevice.choose(4));
    assertEquals("cpu", ComputeDevice.label(Device.cpu()));
    assertEquals("gpu:1", ComputeDevice.label(Device.gpu(1)));
  }

  @Test
  void withoutAGpuTrainingFallsBackToTheCpuWhereDjlComputes() {
    assertEquals(0, Engine.getEngine("PyTorch").getGpuCount(), "this test expects a machine without a GPU");
    assertEquals(Device.cpu(), ComputeDevice.current());
    // Training and export arrays live on DJL's default device: the recorded label must be it.
    try (NDManager manager = NDManager.newBaseManager()) {
      assertEquals(ComputeDevice.current(), manager.getDevice());
      assertEquals(ComputeDevice.current(), manager.ones(new ai.djl.ndarray.types.Shape(2)).getDevice());
    }
    assertEquals("cpu", Versions.software().get("device"));
  }
}
