package io.emotionstream.cli;

import io.emotionstream.data.SyntheticFaces;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --variation none|mild|full}, the same in every command that draws synthetic faces. */
final class VariationConverter implements ITypeConverter<SyntheticFaces.Variation> {
  /** The option's description, shared so that every command explains it alike. */
  static final String DESCRIPTION =
      "How much pose, lighting, quality and occlusion vary in the synthetic faces: "
          + "none, mild (learnt within minutes on a laptop CPU) or full (the hard task; default ${DEFAULT-VALUE}).";

  @Override
  public SyntheticFaces.Variation convert(String value) {
    try {
      return SyntheticFaces.Variation.named(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
