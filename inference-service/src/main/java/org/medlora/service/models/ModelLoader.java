package org.medlora.service.models;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;
import org.medlora.contracts.ModelKind;
import org.medlora.contracts.ModelManifest;
import org.medlora.contracts.OnnxNames;
import org.medlora.imaging.DecodedImage;
import org.medlora.contracts.TensorSpec;
import org.medlora.service.config.MedloraConfig;
import org.medlora.store.PublishedModel;

/**
 * Turns a verified store version into a {@link LoadedModel}: opens the ONNX Runtime session,
 * checks that the graph is the model its manifest describes, and warms the session up.
 *
 * <p>The checks: the ONNX metadata written by {@code bin/medlora export} (task, kind and class
 * names under the {@link OnnxNames} keys) equals the manifest's; the input has the manifest's
 * name and shape (B, 3, H, W) at the preprocessing size; every output the manifest declares
 * exists with its element type. Any mismatch refuses the version with a message saying what
 * differs. Which output is read is then the manifest's to say ({@link LoadedModel#chooseOutput}).
 */
@ApplicationScoped
public class ModelLoader {

  private static final Logger LOG = Logger.getLogger(ModelLoader.class);

  @Inject OrtRuntime runtime;
  @Inject MedloraConfig config;

  /**
   * Opens and checks one version; the result holds one reference, the caller's.
   *
   * @param times told where the requests of each batch this model runs spend their time
   */
  public LoadedModel load(PublishedModel published, StageTimes times) throws ModelLoadException {
    ModelManifest manifest = published.manifest();
    if (manifest.kind() == ModelKind.FEATURES) {
      throw new ModelLoadException(published.task() + " v" + published.version()
          + " is a features model (no head); the service serves classification and segmentation"
          + " models only");
    }
    long start = System.nanoTime();
    OrtSession.SessionOptions options = null;
    OrtSession session = null;
    try {
      options = runtime.newSessionOptions();
      session = runtime.env().createSession(published.modelFile().toString(), options);
      check(session, manifest);
      String output = LoadedModel.chooseOutput(manifest);
      var batching = new LoadedModel.BatchingSettings(config.batching().maxBatchSize(),
          config.batching().maxQueueDelay(), config.batching().maxQueueSize());
      LoadedModel model = new LoadedModel(published, runtime.env(), options, session, output,
          runtime.executionProvider(), batching, times);
      session = null; // owned by the model from here on
      options = null;
      if (config.onnx().warmUp()) {
        warmUp(model);
      }
      LOG.infof("loaded %s (%s, %dx%d, output %s) on %s in %d ms", model, manifest.kind(),
          manifest.preprocessing().height(), manifest.preprocessing().width(), output,
          model.executionProvider(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      return model;
    } catch (OrtException e) {
      throw new ModelLoadException("ONNX Runtime cannot open " + published.modelFile() + ": "
          + e.getMessage() + "; re-export the model with bin/medlora export", e);
    } finally {
      closeQuietly(session, options);
    }
  }

  private static void warmUp(LoadedModel model) throws ModelLoadException {
    int h = model.manifest().preprocessing().height();
    int w = model.manifest().preprocessing().width();
    try {
      model.submit(DecodedImage.wrapBytes(1, h, w, 8, new byte[h * w])).get(5, TimeUnit.MINUTES);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LoadedModel.discard(model);
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new ModelLoadException(model + " failed its warm-up run: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      LoadedModel.discard(model);
      Thread.currentThread().interrupt();
      throw new ModelLoadException(model + ": interrupted during warm-up", e);
    }
  }

  static void check(OrtSession session, ModelManifest manifest) throws OrtException, ModelLoadException {
    Map<String, String> meta = session.getMetadata().getCustomMetadata();
    String where = manifest.task() + " v" + manifest.version();
    String classes = String.join(",", manifest.classNames());
    expect(where, OnnxNames.META_TASK, meta.get(OnnxNames.META_TASK), manifest.task());
    expect(where, OnnxNames.META_KIND, meta.get(OnnxNames.META_KIND), manifest.kind().jsonName());
    expect(where, OnnxNames.META_CLASS_NAMES, meta.get(OnnxNames.META_CLASS_NAMES), classes);

    Map<String, NodeInfo> inputs = session.getInputInfo();
    NodeInfo in = inputs.get(manifest.inputName());
    if (in == null || !(in.getInfo() instanceof TensorInfo t)) {
      throw new ModelLoadException(where + ": the manifest names input " + manifest.inputName()
          + " but the model's inputs are " + inputs.keySet());
    }
    long[] shape = t.getShape();
    long h = manifest.preprocessing().height();
    long w = manifest.preprocessing().width();
    if (shape.length != 4 || shape[1] != 3 || shape[2] != h || shape[3] != w || shape[0] > 1) {
      throw new ModelLoadException(where + ": input " + manifest.inputName() + " has shape "
          + Arrays.toString(shape) + " but the manifest's preprocessing needs [-1, 3, " + h + ", "
          + w + "] (a dynamic batch of " + h + "x" + w + " RGB images)");
    }

    Map<String, NodeInfo> outputs = session.getOutputInfo();
    for (TensorSpec declared : manifest.outputs()) {
      NodeInfo out = outputs.get(declared.name());
      if (out == null || !(out.getInfo() instanceof TensorInfo o)
          || o.type != javaType(declared.dtype())) {
        throw new ModelLoadException(where + ": the manifest declares output " + declared.name()
            + " (" + declared.dtype() + ") but the model's outputs are " + outputs.values()
            + "; the model file and its manifest do not belong together, republish the version");
      }
    }
  }

  /** ONNX Runtime's element type for a manifest's {@link TensorSpec#DTYPES dtype}. */
  private static OnnxJavaType javaType(String dtype) {
    return switch (dtype) {
      case "float32" -> OnnxJavaType.FLOAT;
      case "float16" -> OnnxJavaType.FLOAT16;
      case "int64" -> OnnxJavaType.INT64;
      case "uint8" -> OnnxJavaType.UINT8;
      default -> throw new IllegalArgumentException("no element type for dtype " + dtype);
    };
  }

  private static void expect(String where, String key, String found, String expected)
      throws ModelLoadException {
    if (found == null) {
      throw new ModelLoadException(where + ": the ONNX model carries no " + key + " metadata, so it"
          + " cannot be checked against its manifest; export it with bin/medlora export");
    }
    if (!found.equals(expected)) {
      throw new ModelLoadException(where + ": the ONNX model's " + key + " is \"" + found
          + "\" but manifest.json says \"" + expected + "\"; the model file and its manifest do"
          + " not belong together, republish the version");
    }
  }

  private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        LOG.debugf("closing a refused session failed: %s", e.getMessage());
      }
    }
    if (options != null) {
      options.close();
    }
  }
}
