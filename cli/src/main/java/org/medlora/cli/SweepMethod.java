package org.medlora.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.medlora.contracts.MethodKind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One method of a sweep as {@code --methods} names it: {@code linear}, {@code lora:R} (rank R) or
 * {@code full}.
 *
 * @param rank the LoRA rank; 0 for the other methods
 */
record SweepMethod(MethodKind kind, int rank) {

  /**
   * Makes {@code request} (a copy of the base request's JSON) this method's: its id (the base id
   * and the method, so a re-run finds it), its method kind, and the rank for LoRA; the base's other
   * method settings (alpha, targets) stay.
   */
  ObjectNode applyTo(ObjectNode request, String baseId) {
    request.put("request-id", baseId + "-" + (kind == MethodKind.LORA ? "lora-r" + rank : kind.jsonName()));
    ObjectNode method = request.withObjectProperty("method");
    method.put("kind", kind.jsonName());
    if (kind == MethodKind.LORA) {
      method.put("lora-rank", rank);
    }
    return request;
  }

  @Override
  public String toString() {
    return kind == MethodKind.LORA ? "lora:" + rank : kind.jsonName();
  }

  /** Parses one of {@code linear}, {@code lora:R} or {@code full}. */
  static final class Converter implements ITypeConverter<SweepMethod> {
    @Override
    public SweepMethod convert(String text) {
      String t = text.trim();
      if (t.equals("linear") || t.equals("full")) {
        return new SweepMethod(t.equals("linear") ? MethodKind.LINEAR : MethodKind.FULL, 0);
      }
      if (t.startsWith("lora:")) {
        try {
          int rank = Integer.parseInt(t.substring("lora:".length()));
          if (rank >= 1) {
            return new SweepMethod(MethodKind.LORA, rank);
          }
        } catch (NumberFormatException e) {
          // said below
        }
      }
      throw new TypeConversionException("'" + text + "' is not a method: use linear, lora:R with a rank R >= 1"
          + " (e.g. lora:3) or full");
    }
  }
}
