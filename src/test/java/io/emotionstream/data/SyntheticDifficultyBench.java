package io.emotionstream.data;

import io.emotionstream.avro.Usage;

/**
 * Prints how well a linear model (softmax regression on pixels) does on synthetic faces: the
 * yardstick for "learnable but not trivial". Usage: SyntheticDifficultyBench [perClass] [epochs].
 */
public final class SyntheticDifficultyBench {
  public static void main(String[] args) {
    int perClass = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    long start = System.nanoTime();
    SyntheticFaces.Variation variation =
        args.length > 2 && args[2].equals("none")
            ? SyntheticFaces.Variation.NONE
            : SyntheticFaces.Variation.FULL;
    FaceSet all = SyntheticFaces.generate(perClass, 7, variation);
    double generateSeconds = (System.nanoTime() - start) / 1e9;
    FaceSet train = new FaceSet();
    FaceSet test = new FaceSet();
    for (int i = 0; i < all.size(); i++) {
      boolean training = SyntheticDataset.usageOf(i / 7, perClass) == Usage.TRAINING;
      (training ? train : test).add(all.pixels(i), all.label(i));
    }
    System.out.printf(
        "generated %,d faces in %.1f s (%,.0f faces/s)%n",
        all.size(), generateSeconds, all.size() / generateSeconds);
    SoftmaxRegression model = SoftmaxRegression.train(train, epochs, 0.01f, 1e-3f, 1);
    System.out.printf(
        "softmax regression on pixels: train accuracy %.3f, held-out accuracy %.3f (%d train, %d"
            + " held out, chance 0.143)%n",
        model.accuracy(train), model.accuracy(test), train.size(), test.size());
  }
}
