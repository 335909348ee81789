package org.medlora.service.models;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.Locale;
import org.jboss.logging.Logger;
import org.medlora.service.config.MedloraConfig;

/**
 * The process's one ONNX Runtime environment and the session options every model gets: the
 * execution provider (CUDA only when configured and present, else CPU, logged either way),
 * threads and graph optimization.
 */
@ApplicationScoped
public class OrtRuntime {

  private static final Logger LOG = Logger.getLogger(OrtRuntime.class);

  @Inject MedloraConfig config;

  private OrtEnvironment env;
  private boolean cuda;
  private OptLevel optLevel;

  @PostConstruct
  void init() {
    env = OrtEnvironment.getEnvironment();
    optLevel = optLevel(config.onnx().optimizationLevel());
    String wanted = config.onnx().executionProvider().trim().toLowerCase(Locale.ROOT);
    EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
    switch (wanted) {
      case "cpu" -> {
        cuda = false;
        LOG.infof("ONNX Runtime %s: CPU execution provider (configured); available providers %s",
            env.getVersion(), available);
      }
      case "cuda" -> {
        cuda = available.contains(OrtProvider.CUDA);
        if (cuda) {
          LOG.infof("ONNX Runtime %s: CUDA execution provider on device %d",
              env.getVersion(), config.onnx().cudaDeviceId());
        } else {
          LOG.warnf("ONNX Runtime %s: CUDA was configured but this ONNX Runtime build offers only %s;"
              + " running on the CPU execution provider. For CUDA, build with -Dgpu (the"
              + " onnxruntime_gpu artifact) and run on a host with CUDA and cuDNN.",
              env.getVersion(), available);
        }
      }
      default -> throw new IllegalArgumentException(
          "medlora.onnx.execution-provider must be cpu or cuda, got \"" + wanted + "\"");
    }
  }

  public OrtEnvironment env() {
    return env;
  }

  /** The provider every session of this process is opened on. */
  public ExecutionProvider executionProvider() {
    return cuda ? ExecutionProvider.CUDA : ExecutionProvider.CPU;
  }

  /** Fresh options for one model's session; the caller closes them after the session. */
  public SessionOptions newSessionOptions() throws OrtException {
    SessionOptions options = new SessionOptions();
    try {
      options.setOptimizationLevel(optLevel);
      options.setExecutionMode(ExecutionMode.SEQUENTIAL);
      int intra = config.onnx().intraOpThreads();
      options.setIntraOpNumThreads(intra > 0 ? intra : Runtime.getRuntime().availableProcessors());
      options.setInterOpNumThreads(Math.max(1, config.onnx().interOpThreads()));
      options.addConfigEntry("session.intra_op.allow_spinning", config.onnx().allowSpinning() ? "1" : "0");
      // Spinning after the last run would hold cores that decoding and encoding need.
      options.addConfigEntry("session.force_spinning_stop", "1");
      if (cuda) {
        options.addCUDA(config.onnx().cudaDeviceId());
      }
      return options;
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }

  static OptLevel optLevel(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "none" -> OptLevel.NO_OPT;
      case "basic" -> OptLevel.BASIC_OPT;
      case "extended" -> OptLevel.EXTENDED_OPT;
      case "all" -> OptLevel.ALL_OPT;
      default -> throw new IllegalArgumentException(
          "medlora.onnx.optimization-level must be none, basic, extended or all, got \"" + name + "\"");
    };
  }
}
