package io.emotionstream.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.emotionstream.avro.ControlCommand;
import io.emotionstream.control.Commands;
import java.util.Locale;

/**
 * The dashboard's retrain form as a RETRAIN {@link ControlCommand}. Only the form's shape is
 * checked here (numbers are numbers, the mode is a mode); whether the values make sense is the
 * trainer's call, which answers on the status topic. Empty fields stay null: the trainer's defaults
 * apply.
 */
final class RetrainForm {
  private RetrainForm() {}

  static ControlCommand read(JsonNode form) {
    if (form == null || !form.isObject()) {
      throw new IllegalArgumentException("the request body must be a JSON object of form fields");
    }
    String mode = text(form, "mode");
    return Commands.retrain()
        .setMode(mode == null ? null : Commands.mode(mode))
        .setEpochs(integer(form, "epochs"))
        .setLearningRate(decimal(form, "learningRate"))
        .setBatchSize(integer(form, "batchSize"))
        .setOptimizer(lower(text(form, "optimizer")))
        .setRequestedBy("dashboard")
        .build();
  }

  private static String text(JsonNode form, String field) {
    JsonNode node = form.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    String value = node.asText().trim();
    return value.isEmpty() ? null : value;
  }

  private static Integer integer(JsonNode form, String field) {
    String value = text(form, field);
    if (value == null) {
      return null;
    }
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " must be a whole number, got '" + value + "'");
    }
  }

  private static Double decimal(JsonNode form, String field) {
    String value = text(form, field);
    if (value == null) {
      return null;
    }
    try {
      double number = Double.parseDouble(value);
      if (!Double.isFinite(number)) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " must be a number, got '" + value + "'");
    }
  }

  private static String lower(String value) {
    return value == null ? null : value.toLowerCase(Locale.ROOT);
  }
}
