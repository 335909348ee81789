package org.medlora.export;

import ai.djl.engine.Engine;
import java.util.LinkedHashMap;
import java.util.Map;

/** Versions of everything that shaped an exported model, for its provenance. */
public final class Versions {

  private Versions() {}

  public static String medlora() {
    String v = Versions.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  public static Map<String, String> software() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("medlora", medlora());
    m.put("djl", Engine.getDjlVersion());
    m.put("libtorch", Engine.getEngine("PyTorch").getVersion());
    m.put("device", ComputeDevice.label(ComputeDevice.current()));
    m.put("onnxruntime", ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
    m.put("java", System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("arch", System.getProperty("os.arch"));
    return m;
  }
}
