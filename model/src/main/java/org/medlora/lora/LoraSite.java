package org.medlora.lora;

/** Where an adapter sits: a target inside one transformer block. */
public record LoraSite(int block, LoraTarget target) {

  public LoraSite {
    if (block < 0) {
      throw new IllegalArgumentException("block index must be >= 0, got " + block);
    }
  }

  @Override
  public String toString() {
    return "blocks." + block + "." + target.name().toLowerCase(java.util.Locale.ROOT);
  }
}
