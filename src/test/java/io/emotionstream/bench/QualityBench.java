package io.emotionstream.bench;

import io.emotionstream.avro.Usage;
import io.emotionstream.data.DatasetLoader;
import io.emotionstream.data.FaceSet;
import io.emotionstream.data.FaceSplits;
import io.emotionstream.data.SplitRule;
import io.emotionstream.data.SyntheticDataset;
import io.emotionstream.data.SyntheticFaces;
import io.emotionstream.model.EpochResult;
import io.emotionstream.model.Hyperparameters;
import io.emotionstream.model.ModelTraining;
import io.emotionstream.model.TrainingListener;
import io.emotionstream.model.TrainingOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code scripts/bench quality [CSV] [--epochs N] [--batch-size N] [--lr RATE] [--seeds 1,2,3]}:
 * best and last validation accuracy of {@code emotion train}'s run ({@link ModelTraining}, in
 * process) beside the PyTorch reference's ({@code scripts/reference/train_reference.py}) on the
 * same CSV, the same rows (Training to train, PublicTest to validate), hyperparameters and seeds.
 * Without a CSV, the demo's faces: 600 a class, mild variation, seed 1. A measurement: it exits 0
 * whichever side wins.
 */
public final class QualityBench {
  private static final String PYTHON = "/usr/bin/python3";
  private static final String REFERENCE = "scripts/reference/train_reference.py";
  private static final Pattern RESULT = Pattern.compile("result best (\\S+) last (\\S+)");
  private static final Pattern EPOCH_ACCURACY = Pattern.compile("val acc (\\S+)");

  /** Below this a run learned nothing: seven balanced classes give 1/7 = 0.143 by chance. */
  private static final double CHANCE_MARGIN = 0.2;

  /** The demo's data (DemoCommand's defaults) and the hyperparameters of its RETRAIN. */
  private static final int DEMO_PER_CLASS = 600;

  private static final long DEMO_DATA_SEED = 1;
  private static final Hyperparameters DEMO_TRAINING =
      Hyperparameters.DEFAULTS.withEpochs(12).withBatchSize(64).withLearningRate(0.002);

  /** Validation accuracy after every epoch of one run. */
  record Run(List<Double> accuracies) {
    double best() {
      return accuracies.stream().max(Comparator.naturalOrder()).orElseThrow();
    }

    double last() {
      return accuracies.get(accuracies.size() - 1);
    }

    boolean atChance() {
      return best() < CHANCE_MARGIN;
    }
  }

  public static void main(String[] args) throws Exception {
    Path csv = null;
    Hyperparameters settings = DEMO_TRAINING;
    long[] seeds = {1, 2, 3};
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--epochs" -> settings = settings.withEpochs(Integer.parseInt(args[++i]));
        case "--batch-size" -> settings = settings.withBatchSize(Integer.parseInt(args[++i]));
        case "--lr" -> settings = settings.withLearningRate(Double.parseDouble(args[++i]));
        case "--seeds" ->
            seeds = Arrays.stream(args[++i].split(",")).mapToLong(Long::parseLong).toArray();
        default -> csv = Path.of(args[i]);
      }
    }
    if (csv == null) {
      csv = Path.of("target/quality-demo-faces.csv");
      Files.createDirectories(csv.getParent());
      SyntheticDataset.writeCsv(csv, DEMO_PER_CLASS, DEMO_DATA_SEED, SyntheticFaces.Variation.MILD);
      System.out.printf(
          "CSV: the demo's faces, %d a class, mild, seed %d, written to %s%n",
          DEMO_PER_CLASS, DEMO_DATA_SEED, csv);
    }
    FaceSplits splits = DatasetLoader.load(csv, SplitRule.seedRule());
    if (!splits.hadUsageColumn()) {
      throw new IllegalArgumentException(
          csv
              + " has no Usage column: both sides must train and validate on the "
              + "file's own Training and PublicTest rows");
    }
    FaceSet training = splits.faces(Usage.TRAINING);
    FaceSet validation = splits.faces(Usage.VALIDATION);
    System.out.printf(
        "%s: %,d Training rows train, %,d PublicTest rows validate; %d epochs, batch %d, lr %s, "
            + "%s, %s, dropout %s; seeds %s%n",
        csv,
        training.size(),
        validation.size(),
        settings.epochs(),
        settings.batchSize(),
        settings.learningRate(),
        settings.optimizer(),
        settings.loss(),
        settings.dropout(),
        Arrays.toString(seeds));

    List<Run> ours = new ArrayList<>();
    List<Run> torch = new ArrayList<>();
    for (long seed : seeds) {
      Hyperparameters run = settings.withSeed(seed);
      // Accuracy, not speed, is measured: a round's two runs go side by side, which halves the
      // bench's
      // time on a busy machine and changes neither result (each is reproducible whatever else
      // runs).
      CompletableFuture<Run> reference = reference(csv, run);
      ours.add(ours(training, validation, run));
      torch.add(reference.join());
      System.out.printf(
          "round seed %d: ours best %.4f last %.4f | PyTorch best %.4f last %.4f%n",
          seed,
          ours.get(ours.size() - 1).best(),
          ours.get(ours.size() - 1).last(),
          torch.get(torch.size() - 1).best(),
          torch.get(torch.size() - 1).last());
    }
    report(seeds, ours, torch);
  }

  private static Run ours(FaceSet training, FaceSet validation, Hyperparameters hyperparameters)
      throws IOException {
    Path out = Files.createTempDirectory(Path.of("target"), "quality-bench-");
    List<Double> accuracies = new ArrayList<>();
    try {
      TrainingOutcome outcome =
          ModelTraining.run(
              hyperparameters,
              training,
              validation,
              null,
              out,
              new TrainingListener() {
                @Override
                public void epochFinished(EpochResult r) {
                  accuracies.add(r.validationAccuracy());
                  System.out.printf(
                      Locale.ROOT,
                      "  ours    seed %d epoch %d/%d  train loss %.4f  val acc %.4f  %.0f images/s%n",
                      hyperparameters.seed(),
                      r.epoch(),
                      r.totalEpochs(),
                      r.trainLoss(),
                      r.validationAccuracy(),
                      r.imagesPerSecond());
                }
              },
              () -> false);
      if (outcome.epochs().size() != hyperparameters.epochs()) {
        throw new IllegalStateException(
            "our run of seed " + hyperparameters.seed() + " stopped early");
      }
      return new Run(accuracies);
    } finally {
      try (Stream<Path> files = Files.list(out)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(out);
    }
  }

  /**
   * Starts the reference run; its lines are echoed as they come, its epochs' accuracies collected.
   */
  private static CompletableFuture<Run> reference(Path csv, Hyperparameters h) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                PYTHON,
                REFERENCE,
                csv.toString(),
                "--epochs",
                String.valueOf(h.epochs()),
                "--batch-size",
                String.valueOf(h.batchSize()),
                "--lr",
                String.valueOf(h.learningRate()),
                "--dropout",
                String.valueOf(h.dropout()),
                "--seed",
                String.valueOf(h.seed()))
            .redirectErrorStream(true);
    builder
        .environment()
        .put("OMP_NUM_THREADS", "1"); // as our side's one libtorch thread (scripts/bench)
    Process process = builder.start();
    return CompletableFuture.supplyAsync(
        () -> {
          List<Double> accuracies = new ArrayList<>();
          String result = null;
          try (BufferedReader lines =
              new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
              System.out.printf("  PyTorch seed %d %s%n", h.seed(), line);
              Matcher epoch = EPOCH_ACCURACY.matcher(line);
              if (line.startsWith("epoch ") && epoch.find()) {
                accuracies.add(Double.parseDouble(epoch.group(1)));
              }
              if (RESULT.matcher(line).matches()) {
                result = line;
              }
            }
            int exit = process.waitFor();
            if (exit != 0 || result == null || accuracies.size() != h.epochs()) {
              throw new IllegalStateException(
                  "the PyTorch reference of seed "
                      + h.seed()
                      + " failed (exit "
                      + exit
                      + "; it needs Debian's python3-torch)");
            }
            return new Run(accuracies);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
  }

  private static void report(long[] seeds, List<Run> ours, List<Run> torch) {
    System.out.println();
    System.out.println("| seed | ours best | ours last | PyTorch best | PyTorch last |");
    System.out.println("|---|---|---|---|---|");
    for (int i = 0; i < seeds.length; i++) {
      System.out.printf(
          Locale.ROOT,
          "| %d | %s | %s | %s | %s |%n",
          seeds[i],
          cell(ours.get(i), ours.get(i).best()),
          cell(ours.get(i), ours.get(i).last()),
          cell(torch.get(i), torch.get(i).best()),
          cell(torch.get(i), torch.get(i).last()));
    }
    double oursBest = mean(ours, Run::best);
    double torchBest = mean(torch, Run::best);
    System.out.printf(
        Locale.ROOT,
        "| mean | %.4f | %.4f | %.4f | %.4f |%n",
        oursBest,
        mean(ours, Run::last),
        torchBest,
        mean(torch, Run::last));
    System.out.printf(
        Locale.ROOT,
        "difference of means (ours - PyTorch): best %+.4f, last %+.4f%n",
        oursBest - torchBest,
        mean(ours, Run::last) - mean(torch, Run::last));
    System.out.println(
        oursBest >= torchBest
            ? "RESULT: ours matches or beats PyTorch's best validation accuracy on average"
            : String.format(
                Locale.ROOT,
                "RESULT: ours is BELOW PyTorch's best validation accuracy on average, by %.4f",
                torchBest - oursBest));
  }

  /** The accuracy, marked when the run never left chance. */
  private static String cell(Run run, double accuracy) {
    return String.format(Locale.ROOT, "%.4f%s", accuracy, run.atChance() ? " (at chance)" : "");
  }

  private static double mean(List<Run> runs, ToDoubleFunction<Run> figure) {
    return runs.stream().mapToDouble(figure).average().orElseThrow();
  }
}
