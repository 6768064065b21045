package io.emotionstream.data;

import java.io.File;
import javax.imageio.ImageIO;

/** Writes a sheet of synthetic faces, one row per class, for a person to look at. */
public final class SyntheticSheetMain {
  public static void main(String[] args) throws Exception {
    FaceSet faces = SyntheticFaces.generate(10, args.length > 1 ? Long.parseLong(args[1]) : 1);
    ImageIO.write(SampleSheet.grid(faces, 7, 10, 3), "png", new File(args[0]));
  }
}
