package io.emotionstream.kafka.registry;

/**
 * A refusal or failure of the Confluent Schema Registry API, on either side of the wire: the client
 * throws it when a registry answers with an error body, and the in-process server throws it to
 * produce one. The error codes are Confluent's, so callers can tell "unknown id" from
 * "incompatible" from "registry down".
 */
public final class SchemaRegistryException extends RuntimeException {
  /** {@link #httpStatus()} when no HTTP answer arrived at all (connection refused, timeout). */
  public static final int NO_RESPONSE = 0;

  public static final int SUBJECT_NOT_FOUND = 40401;
  public static final int VERSION_NOT_FOUND = 40402;
  public static final int SCHEMA_NOT_FOUND = 40403;
  public static final int SUBJECT_SOFT_DELETED = 40404;
  public static final int VERSION_SOFT_DELETED = 40406;
  public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
  public static final int INCOMPATIBLE_SCHEMA = 409;
  public static final int INVALID_SCHEMA = 42201;
  public static final int INVALID_VERSION = 42202;
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
  public static final int STORE_ERROR = 50001;

  private final int httpStatus;
  private final int errorCode;
  private final String registryMessage;

  public SchemaRegistryException(int httpStatus, int errorCode, String registryMessage) {
    this(httpStatus, errorCode, registryMessage, registryMessage, null);
  }

  SchemaRegistryException(
      int httpStatus, int errorCode, String registryMessage, String fullMessage, Throwable cause) {
    super(fullMessage, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.registryMessage = registryMessage;
  }

  /** The HTTP status of the answer, or {@link #NO_RESPONSE}. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent's error_code (such as 40403), or the HTTP status when the body carried none. */
  public int errorCode() {
    return errorCode;
  }

  /** The registry's own message, without the request context the client adds. */
  public String registryMessage() {
    return registryMessage;
  }

  /** True when the registry was not reached or failed internally: the request may succeed later. */
  public boolean isUnavailable() {
    return httpStatus == NO_RESPONSE || httpStatus >= 500;
  }

  static SchemaRegistryException subjectNotFound(String subject) {
    return new SchemaRegistryException(
        404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
  }

  static SchemaRegistryException versionNotFound(String subject, String version) {
    return new SchemaRegistryException(
        404, VERSION_NOT_FOUND, "Version " + version + " not found for subject '" + subject + "'.");
  }

  static SchemaRegistryException schemaNotFound(String what) {
    return new SchemaRegistryException(404, SCHEMA_NOT_FOUND, "Schema " + what + " not found.");
  }

  static SchemaRegistryException subjectLevelNotConfigured(String subject) {
    return new SchemaRegistryException(
        404,
        SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
        "Subject '" + subject + "' does not have subject-level compatibility configured");
  }

  static SchemaRegistryException invalidSchema(String detail) {
    return new SchemaRegistryException(422, INVALID_SCHEMA, "Invalid schema: " + detail);
  }

  static SchemaRegistryException invalidVersion(String version) {
    return new SchemaRegistryException(
        422,
        INVALID_VERSION,
        "The specified version '"
            + version
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
  }

  static SchemaRegistryException storeError(String detail, Throwable cause) {
    String message = "Error while storing in the schema log: " + detail;
    return new SchemaRegistryException(500, STORE_ERROR, message, message, cause);
  }
}
