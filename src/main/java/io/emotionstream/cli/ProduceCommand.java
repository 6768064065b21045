package io.emotionstream.cli;

import io.emotionstream.data.Fer2013Reader;
import io.emotionstream.data.SyntheticFaces;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.producer.CsvFrames;
import io.emotionstream.producer.FrameProducer;
import io.emotionstream.producer.FrameSource;
import io.emotionstream.producer.ImageFolderFrames;
import io.emotionstream.producer.ProduceSummary;
import io.emotionstream.producer.RatePacer;
import io.emotionstream.producer.SyntheticFrames;
import io.emotionstream.producer.TrainingProducer;
import io.emotionstream.producer.video.VideoProducer;
import io.emotionstream.producer.video.VideoSettings;
import io.emotionstream.producer.video.VideoSourceSpec;
import io.emotionstream.producer.video.VideoSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Stream training rows or live frames into Kafka.",
    subcommands = {ProduceCommand.Training.class, ProduceCommand.Frames.class})
public final class ProduceCommand {

  @Command(
      name = "training",
      mixinStandardHelpOptions = true,
      description =
          "Stream a FER2013 CSV (fer2013.csv, train.csv or icml_face_data.csv) into the training topic.")
  static final class Training implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @Option(
        names = "--csv",
        required = true,
        paramLabel = "FILE",
        converter = InputPath.File.class,
        description = "The CSV (.csv or .csv.gz).")
    Path csv;

    @Mixin SplitOptions split;

    @Option(
        names = "--rate",
        defaultValue = "0",
        paramLabel = "ROWS/S",
        description = "Rows per second; 0 sends as fast as the broker takes them (default).")
    double rate;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
      ConnectionSettings settings = connection.settings();
      ProduceSummary summary;
      try (Fer2013Reader reader = Fer2013Reader.open(csv, split.rule());
          TrainingProducer producer =
              new TrainingProducer(settings, TopicSerdes.connect(settings));
          ProgressDisplay progress = new ProgressDisplay("rows", "rows", -1, quiet)) {
        summary = producer.send(reader, RatePacer.perSecond(rate), progress::stepTo);
      }
      System.out.println(summary.describe("rows") + " -> " + settings.topics().training());
      return summary.complete() ? 0 : 1;
    }
  }

  @Command(
      name = "frames",
      mixinStandardHelpOptions = true,
      description =
          "Publish live face frames from a video file, stream or camera (faces found in each frame), a FER2013 "
              + "CSV, a folder of images, or synthetic faces.")
  static final class Frames implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
      @Option(
          names = "--csv",
          paramLabel = "FILE",
          converter = InputPath.File.class,
          description = "Frames from the rows of a FER2013 CSV.")
      Path csv;

      @Option(
          names = "--images",
          paramLabel = "DIR",
          converter = InputPath.Folder.class,
          description =
              "Frames from every image file (PNG, JPG, …, any size) in a folder, in name order.")
      Path images;

      @Option(
          names = "--synthetic",
          description = "Endless synthetic faces (stop with --limit or Ctrl-C).")
      boolean synthetic;

      @Option(
          names = "--video",
          paramLabel = "SOURCE",
          description =
              "Faces found in a video: a file (mp4, mkv, avi, webm, …) or a stream URL (rtsp://…, http://…, "
                  + "anything FFmpeg opens); each face becomes one frame with its box.")
      String video;

      @Option(
          names = "--camera",
          arity = "0..1",
          fallbackValue = "0",
          paramLabel = "N|/dev/videoN",
          description = "Faces found in a V4L2 camera's picture (default camera 0).")
      String camera;
    }

    @Mixin VideoOptions videoOptions;

    @Option(
        names = "--labelled-fraction",
        defaultValue = "0.5",
        paramLabel = "F",
        description =
            "With --synthetic: the fraction of frames that carry their true label (default ${DEFAULT-VALUE}).")
    double labelledFraction;

    @Option(
        names = "--variation",
        defaultValue = "mild",
        paramLabel = "none|mild|full",
        converter = VariationConverter.class,
        description = "With --synthetic: " + VariationConverter.DESCRIPTION)
    SyntheticFaces.Variation variation;

    @Option(
        names = "--seed",
        defaultValue = "1",
        description = "With --synthetic: seed of the faces (default ${DEFAULT-VALUE}).")
    long seed;

    FrameSource openSource() throws IOException {
      if (source.synthetic) {
        return new SyntheticFrames(seed, labelledFraction, variation);
      }
      return source.csv != null
          ? CsvFrames.open(source.csv, withLabels)
          : ImageFolderFrames.open(source.images);
    }

    @Option(
        names = "--with-labels",
        description = "Attach each CSV row's label, so the classifier scores it.")
    boolean withLabels;

    @Option(
        names = "--source-id",
        defaultValue = "camera-1",
        description = "Source (camera) id, the record key (default ${DEFAULT-VALUE}).")
    String sourceId;

    @Option(
        names = "--rate",
        paramLabel = "FRAMES/S",
        description =
            "Frames per second; 0 for as fast as possible (the default, but for a video file, which plays at "
                + "its own rate).")
    Double rate;

    @Option(
        names = "--limit",
        defaultValue = "0",
        description =
            "Stop after this many frames (of a video: decoded frames); 0 for all (default).")
    long limit;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
      if (source.video != null || source.camera != null) {
        return streamVideo();
      }
      ConnectionSettings settings = connection.settings();
      ProduceSummary summary;
      try (FrameProducer producer = new FrameProducer(settings, TopicSerdes.connect(settings));
          ProgressDisplay progress = new ProgressDisplay("frames", "frames", -1, quiet);
          FrameSource frames = openSource()) {
        summary =
            producer.send(
                frames,
                sourceId,
                RatePacer.perSecond(rate == null ? 0 : rate),
                limit,
                progress::stepTo);
      }
      System.out.println(summary.describe("frames") + " -> " + settings.topics().frames());
      return summary.complete() ? 0 : 1;
    }

    private int streamVideo() throws Exception {
      VideoSourceSpec spec =
          source.camera != null
              ? VideoSourceSpec.camera(source.camera, videoOptions.inputOptions)
              : VideoSourceSpec.of(
                  source.video, videoOptions.inputFormat, videoOptions.inputOptions);
      VideoSettings video = videoOptions.settings(spec, rate, limit);
      ConnectionSettings settings = connection.settings();
      VideoProducer producer = new VideoProducer(settings, TopicSerdes.connect(settings));
      // Ctrl-C ends the run cleanly: queued frames sent, the producer flushed, the source closed,
      // the summary shown.
      return UntilStopped.call(
          producer::stop,
          () -> {
            VideoSummary summary;
            try (producer;
                ProgressDisplay progress = new ProgressDisplay("frames", "frames", -1, quiet)) {
              summary = producer.stream(video, sourceId, progress::stepTo);
            }
            System.out.println(
                summary.describe()
                    + " -> "
                    + settings.topics().frames()
                    + (video.scenes().enabled() ? " and " + settings.topics().scenes() : ""));
            return summary.complete() ? 0 : 1;
          });
    }
  }
}
