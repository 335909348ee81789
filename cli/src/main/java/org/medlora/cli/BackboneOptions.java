package org.medlora.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.medlora.backbone.DinoV2Checkpoint;
import org.medlora.lora.PeftAdapter;
import picocli.CommandLine.Option;

/** The backbone a command runs: a DINOv2 checkpoint and, optionally, a PEFT LoRA adapter. */
final class BackboneOptions {

  @Option(names = "--checkpoint", required = true, description = "DINOv2 weights (.safetensors, Meta or HuggingFace keys).")
  Path checkpoint;

  @Option(names = "--adapter", description = "A PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors).")
  Path adapter;

  DinoV2Checkpoint loadCheckpoint() throws IOException {
    return DinoV2Checkpoint.load(checkpoint);
  }

  /** The adapter, or null when none was given. */
  PeftAdapter loadAdapter() throws IOException {
    return adapter == null ? null : PeftAdapter.read(adapter);
  }
}
