package io.emotionstream.classifier;

import io.emotionstream.avro.CommandType;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.avro.DeadLetter;
import io.emotionstream.avro.ModelCheckpoint;
import io.emotionstream.avro.PromotionPolicy;
import io.emotionstream.avro.ServingDecision;
import io.emotionstream.avro.ServingState;
import io.emotionstream.kafka.DeadLetters;
import io.emotionstream.kafka.serde.AvroSerdeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which version every classifier instance serves, and publishes each decision on the
 * serving topic. One task decides for the whole application: its inputs, the control topic and the
 * comparisons of the served model with the candidate, have one partition each. Its last decision is
 * kept in a changelogged store, so that the task's next owner goes on from it; the serving topic is
 * what the instances follow.
 *
 * <p>A checkpoint newer than the served one, and newer than any version held back, becomes the
 * candidate (under the latest policy, it serves at once). The stream threads classify labelled
 * frames with it in shadow and send back, batch by batch, how it and the served model did on the
 * same frames. The guarded policy promotes it once both have classified {@code minFrames} frames
 * and it is not worse beyond the margin; otherwise it stays the candidate and a status says why,
 * once per {@code minFrames} more frames. A candidate that sees no labelled frame within the wait
 * is judged on validation accuracy instead. PROMOTE and ROLLBACK commands are followed under every
 * policy; each is answered with a decision that names the command.
 */
final class PromotionJudge
    implements Processor<String, PromotionJudge.Input, String, ClassifierOutput> {
  private static final Logger LOG = LoggerFactory.getLogger(PromotionJudge.class);
  static final String STAGE = "promotion";

  /**
   * How often the latest checkpoint is looked at, and a candidate's wait for labelled frames
   * checked.
   */
  static final Duration REVIEW_INTERVAL = Duration.ofMillis(200);

  /** What the task reads: a control command, still as bytes, or one batch's comparison. */
  sealed interface Input {
    record Command(byte[] value) implements Input {}

    record Comparison(ClassifierOutput.Compared batch) implements Input {}
  }

  private final ClassifierSettings settings;
  private final PromotionSettings promotion;
  private final String checkpointsTopic;
  private final Deserializer<ModelCheckpoint> checkpoints;
  private final Deserializer<ControlCommand> commands;
  private final ServingModels models;
  private final ClassifierMetrics metrics;
  private final RegistryRetries registryRetries = new RegistryRetries();

  /** SHA-256 of every checkpoint refused, so that each is reported once. */
  private final Set<String> refused = new HashSet<>();

  private ProcessorContext<String, ClassifierOutput> context;
  private KeyValueStore<String, ServingState> decisions;

  /**
   * The last decision, as in the store: read there once, at init, since a decision carries one or
   * two checkpoints and is looked at every review and every batch's comparison.
   */
  private ServingState decided;

  private KeyValueStore<String, CandidateScore> scores;
  private TimestampedKeyValueStore<String, byte[]> latestCheckpoints;

  /** The latest checkpoint record looked at last: a new one is only decoded when it changes. */
  private byte[] lookedAt;

  PromotionJudge(
      ClassifierSettings settings,
      String checkpointsTopic,
      Deserializer<ModelCheckpoint> checkpoints,
      Deserializer<ControlCommand> commands,
      ServingModels models,
      ClassifierMetrics metrics) {
    this.settings = settings;
    this.promotion = settings.promotion();
    this.checkpointsTopic = checkpointsTopic;
    this.checkpoints = checkpoints;
    this.commands = commands;
    this.models = models;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, ClassifierOutput> context) {
    this.context = context;
    this.decisions = context.getStateStore(ClassifierTopology.DECISIONS_STORE);
    this.decided = decisions.get(settings.modelName());
    this.scores = context.getStateStore(ClassifierTopology.SCORES_STORE);
    this.latestCheckpoints = context.getStateStore(ClassifierTopology.CHECKPOINT_STORE);
    context.schedule(REVIEW_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::review);
  }

  @Override
  public void process(Record<String, Input> record) {
    if (record.value() instanceof Input.Command command) {
      follow(record.key(), command.value());
    } else if (record.value() instanceof Input.Comparison comparison
        && settings.modelName().equals(record.key())) {
      count(comparison.batch());
    }
  }

  // ---- new checkpoints and the wait for labelled frames

  private void review(long nowMs) {
    ValueAndTimestamp<byte[]> latest = latestCheckpoints.get(settings.modelName());
    if (latest != null && !sameRecord(lookedAt, latest.value()) && registryRetries.due(nowMs)) {
      Optional<ModelCheckpoint> checkpoint = readLatest(latest.value(), nowMs);
      if (checkpoint == null) {
        return; // put off while the registry is away
      }
      lookedAt = latest.value();
      checkpoint.ifPresent(this::consider);
    }
    judgeOnValidation(nowMs);
  }

  private void consider(ModelCheckpoint checkpoint) {
    ServingState state = decided;
    if (state == null) {
      if (vetted(checkpoint)) {
        decide(
            state(checkpoint, null, null, 0),
            ServingDecision.FIRST_MODEL,
            "version " + checkpoint.getVersion() + " is the first checkpoint: it serves",
            null,
            null);
      }
      return;
    }
    long version = checkpoint.getVersion();
    if (version <= Math.max(state.getServing().getVersion(), state.getHeldBackThrough())
        || Long.valueOf(version).equals(state.getCandidateVersion())
        || !vetted(checkpoint)) {
      return;
    }
    if (promotion.policy() == PromotionPolicy.LATEST) {
      promote(
          state,
          checkpoint,
          "each new checkpoint serves as soon as it is published (policy latest)",
          null);
      return;
    }
    ServingState candidate =
        state(state.getServing(), state.getPrevious(), version, state.getHeldBackThrough());
    scores.put(
        settings.modelName(),
        CandidateScore.start(
            version, state.getServing().getVersion(), context.currentSystemTimeMs()));
    decide(
        candidate,
        ServingDecision.CANDIDATE,
        "version "
            + version
            + " is scored in shadow beside version "
            + state.getServing().getVersion()
            + " on labelled frames; "
            + (promotion.policy() == PromotionPolicy.MANUAL
                ? "it serves when emotion promote names it (policy manual)"
                : String.format(
                    Locale.ROOT,
                    "it is promoted if over %d labelled frames its accuracy is not below the "
                        + "served model's by more than %s (policy guarded)",
                    promotion.minFrames(),
                    points(promotion.margin()))),
        null,
        null);
  }

  private void judgeOnValidation(long nowMs) {
    if (promotion.policy() != PromotionPolicy.GUARDED) {
      return;
    }
    ServingState state = decided;
    CandidateScore score = scores.get(settings.modelName());
    if (state == null
        || state.getCandidateVersion() == null
        || score == null
        || score.frames() > 0
        || score.validationJudged()
        || nowMs - score.sinceMs() < promotion.labelWait().toMillis()) {
      return;
    }
    Optional<ModelCheckpoint> candidate = candidateCheckpoint(state);
    if (candidate.isEmpty()) {
      return;
    }
    Double candidateAccuracy = candidate.get().getValidationAccuracy();
    Double servingAccuracy = state.getServing().getValidationAccuracy();
    String noFrames = "no labelled frame came in " + promotion.labelWait().toSeconds() + " s";
    if (candidateAccuracy == null || servingAccuracy == null) {
      scores.put(settings.modelName(), score.judgedOnValidation());
      decide(
          state,
          ServingDecision.KEPT,
          noFrames
              + " and the checkpoints carry no validation accuracy to compare: "
              + "version "
              + state.getCandidateVersion()
              + " stays the candidate until labelled frames or emotion "
              + "promote decide",
          null,
          null);
      return;
    }
    String figures =
        String.format(
            Locale.ROOT,
            "validation accuracy %.3f of version %d against %.3f of version %d " + "(margin %s)",
            candidateAccuracy,
            candidate.get().getVersion(),
            servingAccuracy,
            state.getServing().getVersion(),
            points(promotion.margin()));
    if (candidateAccuracy >= servingAccuracy - promotion.margin()) {
      promote(state, candidate.get(), noFrames + ": " + figures, null);
    } else {
      scores.put(settings.modelName(), score.judgedOnValidation());
      decide(
          state,
          ServingDecision.KEPT,
          noFrames
              + ": "
              + figures
              + "; it stays the candidate, and labelled frames "
              + "may still promote it",
          null,
          null);
    }
  }

  // ---- shadow scores

  private void count(ClassifierOutput.Compared batch) {
    ServingState state = decided;
    CandidateScore score = scores.get(settings.modelName());
    if (state == null
        || state.getCandidateVersion() == null
        || score == null
        || !score.scores(batch.candidateVersion(), batch.servingVersion())) {
      return; // a batch classified before the last decision reached its stream thread
    }
    score = score.add(batch);
    boolean due = score.frames() >= score.reportedFrames() + promotion.minFrames();
    String figures =
        String.format(
            Locale.ROOT,
            "over %d labelled frames version %d has accuracy %.3f and version "
                + "%d %.3f on the same frames",
            score.frames(),
            score.candidateVersion(),
            score.candidateAccuracy(),
            score.servingVersion(),
            score.servingAccuracy());
    if (promotion.policy() == PromotionPolicy.GUARDED
        && score.frames() >= promotion.minFrames()
        && score.candidateAccuracy() >= score.servingAccuracy() - promotion.margin()) {
      Optional<ModelCheckpoint> candidate = candidateCheckpoint(state);
      if (candidate.isPresent()) {
        promote(
            state,
            candidate.get(),
            figures
                + String.format(
                    Locale.ROOT, ": not worse beyond the margin of %s", points(promotion.margin())),
            score);
        return;
      }
    } else if (due) {
      score = score.reported();
      decide(
          state,
          ServingDecision.KEPT,
          figures
              + (promotion.policy() == PromotionPolicy.MANUAL
                  ? ": it serves when emotion promote names it (policy manual)"
                  : String.format(
                      Locale.ROOT,
                      ": %s below, more than the margin of %s; it stays the candidate",
                      points(score.servingAccuracy() - score.candidateAccuracy()),
                      points(promotion.margin()))),
          null,
          score);
    }
    scores.put(settings.modelName(), score);
  }

  // ---- commands

  private void follow(String key, byte[] value) {
    if (key != null && !key.equals(settings.modelName())) {
      return;
    }
    ControlCommand command;
    try {
      command =
          commands.deserialize(
              context.recordMetadata().map(RecordMetadata::topic).orElse(""), value);
    } catch (AvroSerdeException e) {
      if (!e.problem().isRecordAtFault()) {
        throw e; // the registry is away: failing the task keeps the command for a retry
      }
      deadLetter(key, value, e.getMessage(), e);
      return;
    }
    if (command == null
        || (command.getType() != CommandType.PROMOTE
            && command.getType() != CommandType.ROLLBACK)) {
      return; // the trainer's
    }
    ServingState state = decided;
    if (state == null) {
      deadLetter(
          key,
          value,
          command.getType()
              + " "
              + command.getCommandId()
              + " refused: no version of "
              + settings.modelName()
              + " serves yet",
          null);
      return;
    }
    String by =
        " by "
            + (command.getRequestedBy() == null ? "hand" : command.getRequestedBy())
            + (command.getReason() == null ? "" : " (" + command.getReason() + ")");
    if (command.getType() == CommandType.PROMOTE) {
      promoteByHand(state, command, by);
    } else {
      rollBack(state, command, by);
    }
  }

  private void promoteByHand(ServingState state, ControlCommand command, String by) {
    Long version = command.getTargetVersion();
    long serving = state.getServing().getVersion();
    Optional<ModelCheckpoint> latest = latestCheckpoint();
    if (version == null) {
      refuse(state, command, "PROMOTE names no version");
    } else if (version == serving) {
      refuse(state, command, "version " + version + " already serves");
    } else if (latest.isPresent() && latest.get().getVersion() == version) {
      if (vetted(latest.get())) {
        ServingState next =
            state(latest.get(), state.getServing(), null, state.getHeldBackThrough());
        scores.delete(settings.modelName());
        decide(
            next,
            ServingDecision.PROMOTED,
            "version " + version + " promoted" + by,
            command.getCommandId(),
            null);
      } else {
        refuse(state, command, "version " + version + " cannot be served (see the dead letters)");
      }
    } else if (state.getPrevious() != null && state.getPrevious().getVersion() == version) {
      // An older version chosen by hand: newer ones must not come back as candidates on their own.
      long holdBack =
          Math.max(
              state.getHeldBackThrough(),
              Math.max(serving, latest.map(ModelCheckpoint::getVersion).orElse(0L)));
      scores.delete(settings.modelName());
      decide(
          state(state.getPrevious(), state.getServing(), null, holdBack),
          ServingDecision.PROMOTED,
          "version "
              + version
              + " promoted"
              + by
              + "; versions up to "
              + holdBack
              + " are held back",
          command.getCommandId(),
          null);
    } else {
      refuse(
          state,
          command,
          "version "
              + version
              + " is not at hand: version "
              + serving
              + " serves"
              + (state.getPrevious() == null
                  ? ""
                  : ", version " + state.getPrevious().getVersion() + " served before it")
              + latest
                  .map(c -> ", version " + c.getVersion() + " is the latest checkpoint")
                  .orElse("")
              + "; the checkpoints topic keeps only the latest");
    }
  }

  private void rollBack(ServingState state, ControlCommand command, String by) {
    long serving = state.getServing().getVersion();
    if (state.getPrevious() == null) {
      refuse(
          state,
          command,
          "nothing to roll back to: no version served before version " + serving + " is kept");
      return;
    }
    long holdBack =
        Math.max(
            state.getHeldBackThrough(),
            Math.max(serving, latestCheckpoint().map(ModelCheckpoint::getVersion).orElse(0L)));
    scores.delete(settings.modelName());
    decide(
        state(state.getPrevious(), null, null, holdBack),
        ServingDecision.ROLLED_BACK,
        "rolled back from version "
            + serving
            + " to version "
            + state.getPrevious().getVersion()
            + by
            + "; versions up to "
            + holdBack
            + " are held back: the next checkpoint trained becomes the candidate",
        command.getCommandId(),
        null);
  }

  private void refuse(ServingState state, ControlCommand command, String reason) {
    decide(
        state,
        ServingDecision.REFUSED,
        command.getType() + " refused: " + reason,
        command.getCommandId(),
        null);
  }

  // ---- decisions

  private void promote(
      ServingState state, ModelCheckpoint candidate, String reason, CandidateScore score) {
    scores.delete(settings.modelName());
    decide(
        state(candidate, state.getServing(), null, state.getHeldBackThrough()),
        ServingDecision.PROMOTED,
        "version " + candidate.getVersion() + " promoted: " + reason,
        null,
        score);
  }

  private ServingState state(
      ModelCheckpoint serving,
      ModelCheckpoint previous,
      Long candidateVersion,
      long heldBackThrough) {
    return ServingState.newBuilder()
        .setModelName(settings.modelName())
        .setServing(serving)
        .setPrevious(previous)
        .setCandidateVersion(candidateVersion)
        .setHeldBackThrough(heldBackThrough)
        .setPolicy(promotion.policy())
        .setDecision(ServingDecision.FIRST_MODEL)
        .setReason("")
        .setTimeMs(Instant.EPOCH)
        .build();
  }

  private void decide(
      ServingState state,
      ServingDecision decision,
      String reason,
      String commandId,
      CandidateScore score) {
    long nowMs = context.currentSystemTimeMs();
    ServingState next =
        ServingState.newBuilder(state)
            .setPolicy(promotion.policy())
            .setDecision(decision)
            .setReason(reason)
            .setCommandId(commandId)
            .setComparedFrames(score == null ? 0 : score.frames())
            .setCandidateAccuracy(
                score == null || score.frames() == 0 ? null : score.candidateAccuracy())
            .setServingAccuracy(
                score == null || score.frames() == 0 ? null : score.servingAccuracy())
            .setTimeMs(Instant.ofEpochMilli(nowMs))
            .build();
    decisions.put(settings.modelName(), next);
    decided = next;
    LOG.info("{} {}: {}", settings.modelName(), decision, reason);
    context.forward(new Record<>(settings.modelName(), new ClassifierOutput.Decided(next), nowMs));
  }

  // ---- checkpoints

  private Optional<ModelCheckpoint> candidateCheckpoint(ServingState state) {
    return latestCheckpoint()
        .filter(c -> Long.valueOf(c.getVersion()).equals(state.getCandidateVersion()));
  }

  private Optional<ModelCheckpoint> latestCheckpoint() {
    ValueAndTimestamp<byte[]> latest = latestCheckpoints.get(settings.modelName());
    if (latest == null) {
      return Optional.empty();
    }
    Optional<ModelCheckpoint> checkpoint =
        readLatest(latest.value(), context.currentSystemTimeMs());
    return checkpoint == null ? Optional.empty() : checkpoint;
  }

  /** The checkpoint; empty if its record is unreadable; null if the registry is away. */
  private Optional<ModelCheckpoint> readLatest(byte[] record, long nowMs) {
    try {
      ModelCheckpoint checkpoint = checkpoints.deserialize(checkpointsTopic, record);
      registryRetries.succeeded();
      return Optional.ofNullable(checkpoint);
    } catch (AvroSerdeException e) {
      if (!e.problem().isRecordAtFault()) {
        metrics.recordCheckpointRetry();
        LOG.warn(
            "cannot read the latest checkpoint now, will try again in {} ms: {}",
            registryRetries.failed(nowMs),
            e.getMessage());
        return null;
      }
      return Optional.empty(); // the stream threads report it
    }
  }

  /** Whether a checkpoint can be served; one that cannot is reported once. */
  private boolean vetted(ModelCheckpoint checkpoint) {
    if (refused.contains(checkpoint.getSha256())) {
      return false;
    }
    try {
      models.vet(checkpoint);
      return true;
    } catch (ModelLoader.RefusedCheckpointException e) {
      refused.add(checkpoint.getSha256());
      String identity =
          checkpoint.getModelName()
              + " version "
              + checkpoint.getVersion()
              + " ("
              + checkpoint.getSha256()
              + ")";
      LOG.error("refused checkpoint {}: {}; it is not served", identity, e.getMessage());
      DeadLetter letter =
          DeadLetters.fromInput(
              ServingModels.STAGE, "checkpoint refused: " + e.getMessage(), identity, null);
      letter.setErrorClass(e.getClass().getName());
      context.forward(
          new Record<>(
              settings.modelName(),
              new ClassifierOutput.Refused(letter),
              context.currentSystemTimeMs()));
      return false;
    }
  }

  private void deadLetter(String key, byte[] value, String reason, Throwable cause) {
    RecordMetadata origin = context.recordMetadata().orElseThrow();
    context.forward(
        new Record<>(
            key,
            RefusedRecords.refuse(LOG, STAGE, origin, key, value, reason, cause),
            context.currentSystemTimeMs()));
  }

  private static boolean sameRecord(byte[] seen, byte[] record) {
    return seen != null && (seen == record || Arrays.equals(seen, record));
  }

  private static String points(double fraction) {
    return String.format(Locale.ROOT, "%.1f points", fraction * 100);
  }
}
