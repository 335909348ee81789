package org.medlora.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every {@code medlora.*} setting of the service, grouped by feature. Each key can be overridden
 * by its environment variable ({@code medlora.batching.max-batch-size} is
 * {@code MEDLORA_BATCHING_MAX_BATCH_SIZE}).
 */
@ConfigMapping(prefix = "medlora")
public interface MedloraConfig {

  Store store();

  Images images();

  Batching batching();

  Onnx onnx();

  Auth auth();

  Readiness readiness();

  Models models();

  Kafka kafka();

  /** The model store the service loads versions from. */
  interface Store {
    /** Root of the model store ({@code <root>/<task>/<version>/model.onnx}). */
    Path path();

    /**
     * How often the store is scanned for new versions when Kafka is not configured (with Kafka,
     * for serving versions that were removed); 0 turns scanning off after start-up.
     */
    @WithDefault("30s")
    Duration rescanInterval();
  }

  /** Bounds on request images, checked before decoding. */
  interface Images {
    /** Largest encoded image accepted, in bytes. */
    @WithDefault("33554432")
    long maxBytes();

    /** Largest {@code width * height} accepted, read from the header before decoding. */
    @WithDefault("50000000")
    long maxPixels();

    /** Largest Number of Frames accepted in a DICOM image, read before decoding. */
    @WithDefault("1000")
    int maxFrames();
  }

  /** Dynamic batching, with Triton's knob names. */
  interface Batching {
    /** Most requests run as one batch; 1 turns batching off. */
    @WithDefault("8")
    int maxBatchSize();

    /**
     * How long the first request of a batch waits for others to join it. At 0 a lone request
     * runs at once and those that queue while a batch runs form the next one.
     */
    @WithDefault("0ms")
    Duration maxQueueDelay();

    /** Requests waiting per model beyond which new ones get 503 with Retry-After. */
    @WithDefault("64")
    int maxQueueSize();

    /** The Retry-After sent with 503 responses. */
    @WithDefault("1s")
    Duration retryAfter();
  }

  /** ONNX Runtime session settings, applied to every model. */
  interface Onnx {
    /** {@code cpu} or {@code cuda}; cuda falls back to cpu when the CUDA provider is absent. */
    @WithDefault("cpu")
    String executionProvider();

    /** CUDA device ordinal when {@code execution-provider=cuda}. */
    @WithDefault("0")
    int cudaDeviceId();

    /** Threads inside one operator; 0 means one per core. */
    @WithDefault("0")
    int intraOpThreads();

    /** Threads across independent operators (sequential execution uses 1). */
    @WithDefault("1")
    int interOpThreads();

    /**
     * Whether ONNX Runtime's intra-op threads busy-wait for work between the operators of a
     * run, which saves a wake-up per parallel operator (benchmarks/README.md, the serving path's
     * "run" stage). A session's threads stop spinning as soon as its last run returns
     * ({@code session.force_spinning_stop}), so they do not hold a core while request threads
     * decode images and encode masks. Each model has its own threads, though: where several
     * models run at once on few cores, or the cores are shared with other work, turn it off.
     */
    @WithDefault("true")
    boolean allowSpinning();

    /** Graph optimization: {@code none}, {@code basic}, {@code extended} or {@code all}. */
    @WithDefault("all")
    String optimizationLevel();

    /** Run each new session once on a zero batch before it serves. */
    @WithDefault("true")
    boolean warmUp();
  }

  /** Who may call the {@code /v1} API. Health, metrics and the OpenAPI document stay open. */
  interface Auth {
    /** When false, every request is served without credentials. */
    @WithDefault("true")
    boolean enabled();

    /** Accepted API keys, sent in {@link #apiKeyHeader()}; none configured accepts none. */
    Optional<Set<String>> apiKeys();

    /** The header that carries an API key. */
    @WithDefault("X-API-Key")
    String apiKeyHeader();

    /**
     * Accept {@code Authorization: Bearer <JWT>} tokens, verified with the
     * {@code mp.jwt.verify.*} settings (public key or JWKS location, issuer, audience).
     */
    @WithName("jwt.enabled")
    @WithDefault("false")
    boolean jwtEnabled();
  }

  /** When /q/health/ready reports UP. */
  interface Readiness {
    /** Tasks that must be loaded; when unset, any one loaded model is enough. */
    Optional<List<String>> requiredTasks();
  }

  /** Which versions are kept in memory. */
  interface Models {
    /**
     * Older versions kept loaded for requests that pin them (least recently used are unloaded);
     * the newest version per task is always loaded.
     */
    @WithDefault("2")
    int maxPinnedVersions();
  }

  /** The {@code model-published} topic; used only when {@code kafka.bootstrap.servers} is set. */
  interface Kafka {
    @WithDefault("model-published")
    String topic();

    /** How long start-up may take to read the topic's backlog before serving what it has. */
    @WithDefault("60s")
    Duration startupTimeout();
  }
}
