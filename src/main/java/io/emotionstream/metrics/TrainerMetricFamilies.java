package io.emotionstream.metrics;

import io.emotionstream.avro.RunState;
import io.emotionstream.trainer.TrainerMetrics;

/** The trainer's committed work as Prometheus metrics, named emotion_trainer_*. */
public final class TrainerMetricFamilies {
  private TrainerMetricFamilies() {}

  public static MetricFamilies of(TrainerMetrics metrics) {
    return new MetricFamilies()
        .counter(
            "emotion_trainer_epochs",
            "Epochs completed and committed.",
            () -> metrics.statuses(RunState.EPOCH_COMPLETED))
        .counter(
            "emotion_trainer_batches",
            "Mini-batches trained, counted as they finish.",
            metrics::batches)
        .counter(
            "emotion_trainer_skipped_batches",
            "Mini-batches whose update was skipped: gradients not finite while the loss was.",
            metrics::skippedBatches)
        .counter(
            "emotion_trainer_runs_completed",
            "Runs that completed.",
            () -> metrics.statuses(RunState.COMPLETED))
        .counter(
            "emotion_trainer_runs_failed",
            "Runs that failed.",
            () -> metrics.statuses(RunState.FAILED))
        .counter(
            "emotion_trainer_runs_cancelled",
            "Runs cancelled.",
            () -> metrics.statuses(RunState.CANCELLED))
        .counter(
            "emotion_trainer_drift_reports",
            "Accuracy reports read by the drift policy.",
            metrics::driftReports)
        .counter(
            "emotion_trainer_automatic_retrains",
            "RETRAIN commands sent by the drift policy.",
            metrics::automaticRetrains)
        .counter(
            "emotion_trainer_commands_rejected",
            "Invalid commands rejected.",
            () -> metrics.statuses(RunState.REJECTED))
        .gauge(
            "emotion_trainer_model_version",
            "Newest checkpoint version published; -1 before any.",
            metrics::modelVersion)
        .gauge(
            "emotion_trainer_train_loss",
            "Training loss of the last epoch; NaN before any.",
            metrics::lastTrainLoss)
        .gauge(
            "emotion_trainer_validation_accuracy",
            "Validation accuracy of the last epoch; NaN before any.",
            metrics::lastValidationAccuracy)
        .gauge(
            "emotion_trainer_examples_per_second",
            "Training throughput of the last epoch; NaN before any.",
            metrics::lastExamplesPerSecond);
  }
}
