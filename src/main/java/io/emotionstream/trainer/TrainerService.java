package io.emotionstream.trainer;

import ai.djl.Device;
import io.emotionstream.avro.CommandType;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.RunState;
import io.emotionstream.avro.TrainingMode;
import io.emotionstream.avro.TrainingStatus;
import io.emotionstream.control.Commands;
import io.emotionstream.control.RunStates;
import io.emotionstream.kafka.ConnectionSettings;
import io.emotionstream.kafka.DeadLetterPublisher;
import io.emotionstream.kafka.TopicScan;
import io.emotionstream.kafka.TopicSerdes;
import io.emotionstream.model.Checkpoint;
import io.emotionstream.model.CheckpointException;
import io.emotionstream.model.CheckpointFile;
import io.emotionstream.model.EmotionModel;
import io.emotionstream.model.EpochResult;
import io.emotionstream.model.Hyperparameters;
import io.emotionstream.model.ModelWeights;
import io.emotionstream.model.OptimizerState;
import io.emotionstream.model.TrainingListener;
import io.emotionstream.model.TrainingLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code emotion trainer}: turns the training topic into models on command. Commands from the
 * control topic are applied once each, in order; runs go one at a time, later ones queue. After
 * every epoch a status and (per {@link PublishPolicy}) a checkpoint are committed in one
 * transaction together with the control position, so a trainer started after a crash finds from
 * Kafka alone which runs are unfinished, resumes each from its last checkpoint, and never repeats a
 * version or a checkpoint.
 */
public final class TrainerService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(200);

  private final ConnectionSettings settings;
  private final TopicSerdes serdes;
  private final TrainerSettings trainer;
  private final Thread thread;

  /** Written under this object's monitor, which waiters on a change wait on; read without it. */
  private volatile State state = State.STARTING;

  /** Whether it has fenced earlier trainers and recovered their runs, whatever its state now. */
  private volatile boolean recovered;

  private volatile Throwable failure;

  private final Deque<Run> queue = new ArrayDeque<>();
  private final Set<String> appliedCommands = new HashSet<>();
  private Run current;
  private TrainerOutput output;
  private final TrainerMetrics metrics = new TrainerMetrics();
  private ControlInbox inbox;
  private TrainingData data;
  private CheckpointHistory history;
  private CheckpointPublisher publisher;
  private DriftWatch drift;
  private Map<org.apache.kafka.common.TopicPartition, Long> committedPosition = Map.of();

  private TrainerService(ConnectionSettings settings, TopicSerdes serdes, TrainerSettings trainer) {
    this.settings = settings;
    this.serdes = serdes;
    this.trainer = trainer;
    this.thread = new Thread(this::serve, "trainer-" + trainer.modelName());
  }

  /**
   * Where the service is in its life; it moves only forward, from STARTING to STOPPED or FAILED.
   */
  public enum State {
    /** Fencing earlier trainers and recovering their runs. */
    STARTING,
    /** Applying commands and training. */
    RUNNING,
    /** Closed: stopping between two batches. */
    STOPPING,
    STOPPED,
    FAILED;

    boolean ended() {
      return this == STOPPED || this == FAILED;
    }
  }

  public static TrainerService start(
      ConnectionSettings settings, TopicSerdes serdes, TrainerSettings trainer) {
    TrainerService service = new TrainerService(settings, serdes, trainer);
    service.thread.start();
    return service;
  }

  /**
   * The transactional id every trainer of this model shares, so that only one of them can write.
   */
  public static String transactionalId(ConnectionSettings settings, String modelName) {
    return settings.topics().prefix() + "trainer." + modelName;
  }

  /** Blocks until the service stops (closed, or failed); returns the failure, if any. */
  public Throwable awaitTermination() throws InterruptedException {
    synchronized (this) {
      while (!state.ended()) {
        wait();
      }
    }
    return failure;
  }

  /**
   * Waits until this trainer has fenced any earlier one and recovered its runs, so that commands
   * sent from now on are applied by it; false if it stopped or the time ran out first.
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    awaitLeaving(State.STARTING, timeout);
    return recovered;
  }

  /** Waits until the state is another than {@code current}, or the time runs out. */
  private synchronized void awaitLeaving(State current, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (long left = timeout.toNanos();
        state == current && left > 0;
        left = deadline - System.nanoTime()) {
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Moves to {@code next} if the state is {@code expected}; false if it has moved on already. */
  private synchronized boolean move(State expected, State next) {
    if (state != expected) {
      return false;
    }
    state = next;
    notifyAll();
    return true;
  }

  /** Recovery is done: it runs from now on, unless it was closed meanwhile. */
  private synchronized void recovered() {
    recovered = true; // before the waiters wake up to read it
    move(State.STARTING, State.RUNNING);
  }

  private synchronized void end(State last) {
    state = last;
    notifyAll();
  }

  public State state() {
    return state;
  }

  private boolean stopping() {
    return state == State.STOPPING;
  }

  public TrainerMetrics metrics() {
    return metrics;
  }

  /** Whether it has not ended yet: starting, running or stopping. */
  public boolean isRunning() {
    return !state.ended();
  }

  private void serve() {
    try {
      serveUntilStopped();
    } finally {
      end(failure == null ? State.STOPPED : State.FAILED);
    }
  }

  private void serveUntilStopped() {
    String id = transactionalId(settings, trainer.modelName());
    try (DeadLetterPublisher deadLetters = new DeadLetterPublisher(settings, serdes);
        TrainerOutput out = new TrainerOutput(settings, serdes, id, id, metrics);
        ControlInbox commands =
            new ControlInbox(settings, serdes, id, trainer.modelName(), deadLetters);
        TrainingData faces =
            new TrainingData(
                settings, serdes, deadLetters, trainer.cacheLimit(), trainer.shuffleBuffer())) {
      output = out;
      inbox = commands;
      data = faces;
      LOG.info("trainer of {} training on {}", trainer.modelName(), EmotionModel.preferredDevice());
      // Statuses and checkpoints are read only after initTransactions has fenced any earlier
      // trainer and
      // aborted what it left open; only the checkpoints of the runs to resume are kept.
      List<ControlInbox.Entry> applied = inbox.history();
      recover(applied);
      history =
          CheckpointHistory.read(
              settings,
              serdes,
              trainer.modelName(),
              queue.stream()
                  .filter(run -> run.resumed)
                  .map(run -> run.runId)
                  .collect(Collectors.toSet()));
      publisher = CheckpointPublisher.continuing(settings, serdes, trainer.modelName(), history);
      committedPosition = inbox.position();
      drift = startDriftWatch(applied);
      recovered();
      while (state == State.RUNNING) {
        if (queue.isEmpty()) {
          apply(inbox.poll(IDLE_POLL));
        } else {
          current = queue.peekFirst();
          execute(current);
          queue.remove(current);
          current = null;
        }
      }
    } catch (RuntimeException | Error e) {
      if (!stopping()) {
        failure = e;
        LOG.error("trainer of {} stopped: {}", trainer.modelName(), e.getMessage(), e);
      }
    } finally {
      if (drift != null) {
        drift.close();
      }
      if (history != null) {
        history.close();
      }
    }
  }

  /** The drift policy's watch when the settings turn it on, else null. */
  private DriftWatch startDriftWatch(List<ControlInbox.Entry> applied) {
    if (!trainer.drift().enabled()) {
      return null;
    }
    return DriftWatch.start(
        settings,
        serdes,
        trainer.modelName(),
        trainer.drift(),
        DriftWatch.lastFiring(applied),
        Clock.systemUTC(),
        metrics);
  }

  /** Rebuilds the queue from the commands already applied and the statuses of their runs. */
  private void recover(List<ControlInbox.Entry> applied) {
    Map<String, TrainingStatus> lastStatus = new HashMap<>();
    TopicScan.readAll(
        settings,
        settings.topics().trainerStatus(),
        serdes.keys().deserializer(),
        serdes.trainingStatuses().deserializer(),
        record -> {
          if (record.value() != null) {
            lastStatus.put(record.value().getRunId(), record.value());
          }
        },
        unreadable -> LOG.warn("ignoring {}", unreadable.describe()));
    for (ControlInbox.Entry entry : applied) {
      ControlCommand command = entry.command();
      if (!appliedCommands.add(command.getCommandId())
          || command.getType() != CommandType.RETRAIN) {
        continue;
      }
      TrainingStatus last = lastStatus.get(Commands.runId(command.getCommandId()));
      if (last == null || RunStates.isFinished(last.getState())) {
        continue;
      }
      Run run = new Run(command, Commands.hyperparameters(command));
      run.resumed = last.getState() != RunState.QUEUED;
      queue.add(run);
      LOG.info(
          "recovered {} run {} at epoch {} of {}",
          run.resumed ? "unfinished" : "queued",
          run.runId,
          last.getEpoch(),
          last.getTotalEpochs());
    }
  }

  /** Applies new commands and commits their effects together with the new control position. */
  private void apply(List<ControlInbox.Entry> entries) {
    List<TrainingStatus> statuses = new ArrayList<>();
    for (ControlInbox.Entry entry : entries) {
      ControlCommand command = entry.command();
      if (drift != null) {
        drift.applied(command);
      }
      if (!appliedCommands.add(command.getCommandId())) {
        LOG.info(
            "command {} at offset {} was applied before: ignored",
            command.getCommandId(),
            entry.offset());
      } else if (command.getType() == CommandType.RETRAIN) {
        statuses.add(accept(command));
      } else if (command.getType() == CommandType.CANCEL) {
        cancel(command, statuses);
      } // PROMOTE and ROLLBACK are the classifiers' to follow
    }
    Map<org.apache.kafka.common.TopicPartition, Long> position = inbox.position();
    if (!statuses.isEmpty() || !position.equals(committedPosition)) {
      output.commit(statuses, null, position);
      committedPosition = position;
    }
  }

  private TrainingStatus accept(ControlCommand command) {
    String runId = Commands.runId(command.getCommandId());
    Hyperparameters hyperparameters;
    try {
      hyperparameters = Commands.hyperparameters(command);
    } catch (IllegalArgumentException e) {
      LOG.warn("rejected command {}: {}", command.getCommandId(), e.getMessage());
      return Run.status(
              runId,
              command.getCommandId(),
              RunState.REJECTED,
              0,
              command.getEpochs() == null ? 0 : command.getEpochs())
          .setMessage(e.getMessage())
          .build();
    }
    Run run = new Run(command, hyperparameters);
    queue.add(run);
    LOG.info("queued run {}: {} {}", runId, run.mode, hyperparameters);
    return run.status(RunState.QUEUED)
        .setMessage(queue.size() == 1 ? "next to run" : (queue.size() - 1) + " run(s) ahead")
        .build();
  }

  private void cancel(ControlCommand command, List<TrainingStatus> statuses) {
    String target =
        command.getTargetRunId() != null
            ? command.getTargetRunId()
            : current != null ? current.runId : null;
    Run run = queue.stream().filter(r -> r.runId.equals(target)).findFirst().orElse(null);
    if (run == null) {
      LOG.info(
          "CANCEL {}: no {} to cancel",
          command.getCommandId(),
          target == null ? "run in progress" : "unfinished run " + target);
      return;
    }
    if (run == current) {
      run.cancelRequested = true; // training stops before its next batch
    } else {
      queue.remove(run);
    }
    statuses.add(
        run.status(RunState.CANCELLED)
            .setMessage("cancelled by command " + command.getCommandId())
            .build());
  }

  private void execute(Run run) {
    try {
      train(run);
    } catch (TrainerOutput.FencedException e) {
      throw e;
    } catch (RuntimeException e) {
      if (stopping()) {
        return;
      }
      LOG.error("run {} failed: {}", run.runId, e.getMessage(), e);
      output.commit(
          List.of(run.status(RunState.FAILED).setMessage(describe(e)).build()),
          null,
          inbox.position());
    }
  }

  /**
   * The checkpoint the classifiers serve, which fine-tuning starts from: under guarded promotion
   * the latest checkpoint may be a candidate that was found worse. Empty if none is served, or the
   * serving topic is missing (an installation whose topics predate it): then the latest checkpoint
   * is the base.
   */
  private Optional<ModelCheckpoint> served() {
    AtomicReference<ModelCheckpoint> served = new AtomicReference<>();
    try {
      TopicScan.readAll(
          settings,
          settings.topics().serving(),
          serdes.keys().deserializer(),
          serdes.servingStates().deserializer(),
          record -> {
            if (record.value() != null && trainer.modelName().equals(record.key())) {
              served.set(record.value().getServing());
            }
          },
          unreadable -> LOG.warn("ignoring {}", unreadable.describe()));
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot read {} ({}): fine-tuning starts from the latest checkpoint",
          settings.topics().serving(),
          e.getMessage());
      return Optional.empty();
    }
    return Optional.ofNullable(served.get());
  }

  private void train(Run run) {
    Hyperparameters h = run.hyperparameters;
    catchUpWithCheckpoints(); // a model published meanwhile is what fine-tuning starts from
    ModelWeights start = null;
    OptimizerState optimizerState = null;
    String origin;
    ModelCheckpoint own = run.resumed ? history.takeLastOfRun(run.runId).orElse(null) : null;
    if (own != null) {
      run.lastCheckpointVersion = own.getVersion();
      Checkpoint saved = contents(own);
      start = saved.weights();
      optimizerState = saved.optimizer(); // so the run goes on as if never stopped
      run.epochsDone = own.getEpoch();
      run.bestValidation =
          own.getValidationAccuracy() == null ? Double.NaN : own.getValidationAccuracy();
      origin =
          "resumed after epoch "
              + own.getEpoch()
              + " from its checkpoint version "
              + own.getVersion();
    } else if (run.mode == TrainingMode.FINE_TUNE) {
      ModelCheckpoint base =
          served()
              .or(history::latest)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no checkpoint of "
                              + trainer.modelName()
                              + " to fine-tune from; retrain with mode SCRATCH first"));
      start = contents(base).weights(); // a new run: its optimizer starts afresh
      origin = "fine-tuning checkpoint version " + base.getVersion();
    } else {
      origin = "from scratch";
    }
    Device device = EmotionModel.preferredDevice();
    output.commit(
        List.of(run.status(RunState.STARTED).setMessage(origin + " on " + device).build()),
        null,
        inbox.position());
    LOG.info("run {} started {} on {}: {}", run.runId, origin, device, h);
    try (EmotionModel model =
            start == null
                ? EmotionModel.initialised((float) h.dropout(), h.seed(), device)
                : EmotionModel.withWeights(start, (float) h.dropout(), device);
        TrainingLoop loop = new TrainingLoop(model, h, optimizerState)) {
      loop.run(
          data,
          run.epochsDone + 1,
          new Publishing(run, model, loop),
          () -> {
            if (stopping()) {
              return true;
            }
            apply(inbox.poll(Duration.ZERO));
            return run.cancelRequested; // its status is written by the command
          });
    }
  }

  /** Hears the run's batches for the metrics, and publishes each epoch as it ends. */
  private final class Publishing implements TrainingListener {
    private final Run run;
    private final EmotionModel model;
    private final TrainingLoop loop;
    private final long start = System.nanoTime();
    private int epochsHere;
    private int skippedSeen;

    Publishing(Run run, EmotionModel model, TrainingLoop loop) {
      this.run = run;
      this.model = model;
      this.loop = loop;
    }

    @Override
    public void batchFinished(int epoch, int batch, int batches, double batchLoss) {
      metrics.recordBatch(loop.skippedSteps() > skippedSeen);
      skippedSeen = loop.skippedSteps();
    }

    @Override
    public void epochFinished(EpochResult result) {
      epochsHere++;
      double secondsPerEpoch = (System.nanoTime() - start) / 1e9 / epochsHere;
      publishEpoch(
          run,
          result,
          model,
          loop,
          secondsPerEpoch * (run.hyperparameters.epochs() - result.epoch()));
      run.epochsDone = result.epoch();
    }
  }

  private void publishEpoch(
      Run run, EpochResult result, EmotionModel model, TrainingLoop loop, double etaSeconds) {
    Hyperparameters h = run.hyperparameters;
    ModelCheckpoint checkpoint = null;
    if (trainer.publish().publishes(result.validationAccuracy(), run.bestValidation)) {
      catchUpWithCheckpoints();
      checkpoint =
          publisher.build(
              run.runId, Checkpoint.of(model.weights(), h, result, loop.optimizerState()));
    }
    List<TrainingStatus> statuses = new ArrayList<>();
    statuses.add(
        withMetrics(run.status(RunState.EPOCH_COMPLETED), result)
            .setEpoch(result.epoch())
            .setEtaSeconds(etaSeconds)
            .setModelVersion(checkpoint == null ? null : checkpoint.getVersion())
            .setMessage(result.trainExamples() + " training faces")
            .build());
    boolean last = result.epoch() == h.epochs();
    if (last) {
      statuses.add(
          withMetrics(run.status(RunState.COMPLETED), result)
              .setEpoch(result.epoch())
              .setEtaSeconds(0.0)
              .setModelVersion(
                  checkpoint != null
                      ? Long.valueOf(checkpoint.getVersion())
                      : run.lastCheckpointVersion)
              .setMessage("completed " + h.epochs() + " epochs")
              .build());
    }
    output.commit(statuses, checkpoint, inbox.position());
    LOG.info(
        "run {} epoch {}/{}: loss {} accuracy {} validation {}{}",
        run.runId,
        result.epoch(),
        h.epochs(),
        String.format("%.4f", result.trainLoss()),
        String.format("%.3f", result.trainAccuracy()),
        String.format("%.3f", result.validationAccuracy()),
        checkpoint == null ? "" : ", checkpoint version " + checkpoint.getVersion());
    if (checkpoint != null) {
      publisher.versionPublished(checkpoint.getVersion());
      history.add(checkpoint);
      run.lastCheckpointVersion = checkpoint.getVersion();
      run.bestValidation =
          Double.isNaN(run.bestValidation)
              ? result.validationAccuracy()
              : Math.max(run.bestValidation, result.validationAccuracy());
    }
  }

  /**
   * Takes in checkpoints committed since the last look, so that versions go on from the highest one
   * whoever published it: a file published while the trainer runs does not have its number reused.
   */
  private void catchUpWithCheckpoints() {
    history.catchUp();
    publisher.versionPublished(history.latestVersion());
  }

  private static TrainingStatus.Builder withMetrics(
      TrainingStatus.Builder status, EpochResult result) {
    return status
        .setTrainLoss(finite(result.trainLoss()))
        .setTrainAccuracy(finite(result.trainAccuracy()))
        .setValidationLoss(finite(result.validationLoss()))
        .setValidationAccuracy(finite(result.validationAccuracy()))
        .setExamplesPerSecond(finite(result.imagesPerSecond()));
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  private static Checkpoint contents(ModelCheckpoint checkpoint) {
    try {
      return CheckpointFile.fromRecord(checkpoint);
    } catch (CheckpointException e) {
      throw new IllegalStateException(
          "checkpoint version "
              + checkpoint.getVersion()
              + " of "
              + checkpoint.getModelName()
              + " is unreadable: "
              + e.getMessage(),
          e);
    }
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Stops between two batches without writing anything more: a restarted trainer resumes the run.
   */
  @Override
  public void close() {
    if (!move(State.STARTING, State.STOPPING)) {
      move(State.RUNNING, State.STOPPING);
    }
    try {
      awaitLeaving(State.STOPPING, Duration.ofMinutes(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
