package org.medlora.cli;

import org.medlora.contracts.DatasetLayout;
import org.medlora.contracts.ExportPrecision;
import org.medlora.contracts.JsonNamed;
import picocli.CommandLine;

/** Options that take a closed set's JSON name, as requests spell it; a wrong one lists the accepted. */
final class JsonNames {

  private JsonNames() {}

  static final class Precision implements CommandLine.ITypeConverter<ExportPrecision> {
    @Override
    public ExportPrecision convert(String value) {
      return parse(ExportPrecision.class, value);
    }
  }

  static final class Layout implements CommandLine.ITypeConverter<DatasetLayout> {
    @Override
    public DatasetLayout convert(String value) {
      return parse(DatasetLayout.class, value);
    }
  }

  private static <E extends Enum<E> & JsonNamed> E parse(Class<E> type, String value) {
    try {
      return JsonNamed.fromJsonName(type, value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
