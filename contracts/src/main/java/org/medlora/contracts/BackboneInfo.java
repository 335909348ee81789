package org.medlora.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The DINOv2 backbone a model was built from, as read from its checkpoint.
 *
 * @param architecture short name, e.g. {@code dinov2-vits14}
 * @param embedDim token width, e.g. 384 for ViT-S
 * @param depth number of transformer blocks
 * @param numHeads attention heads per block; divides {@code embedDim}
 * @param patchSize side of a square patch in pixels, e.g. 14
 * @param registerTokens register tokens (0, or 4 for the "with registers" models)
 * @param checkpointFile file name of the checkpoint, never a path: paths leak a machine's layout
 *     and mean nothing on another one
 * @param checkpointSha256 SHA-256 of the checkpoint file, lowercase hex
 */
public record BackboneInfo(
    String architecture,
    @JsonProperty("embed-dim") int embedDim,
    int depth,
    @JsonProperty("num-heads") int numHeads,
    @JsonProperty("patch-size") int patchSize,
    @JsonProperty("register-tokens") int registerTokens,
    @JsonProperty("checkpoint-file") String checkpointFile,
    @JsonProperty("checkpoint-sha256") String checkpointSha256) {

  public BackboneInfo {
    Checks.nonBlank("architecture", architecture);
    Checks.atLeast("embedDim", embedDim, 1);
    Checks.atLeast("depth", depth, 1);
    Checks.atLeast("numHeads", numHeads, 1);
    if (embedDim % numHeads != 0) {
      throw new IllegalArgumentException(
          "numHeads must divide embedDim, got numHeads=" + numHeads + ", embedDim=" + embedDim);
    }
    Checks.atLeast("patchSize", patchSize, 1);
    Checks.atLeast("registerTokens", registerTokens, 0);
    Checks.nonBlank("checkpointFile", checkpointFile);
    if (checkpointFile.contains("/")
        || checkpointFile.contains("\\")
        || checkpointFile.equals(".")
        || checkpointFile.equals("..")) {
      throw new IllegalArgumentException(
          "checkpointFile must be a file name without directories, got \"" + checkpointFile + "\"");
    }
    Checks.sha256("checkpointSha256", checkpointSha256);
  }
}
