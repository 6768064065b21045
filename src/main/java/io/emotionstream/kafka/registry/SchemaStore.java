package io.emotionstream.kafka.registry;

import io.emotionstream.kafka.registry.SchemaLogEntry.CompatibilitySetting;
import io.emotionstream.kafka.registry.SchemaLogEntry.SchemaVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's state and rules: global schema ids, subjects and their versions, compatibility
 * settings. Every change is first written to the {@link SchemaLog} and applied here only once the
 * log has acknowledged it, so memory never holds a fact the log could lose. The server's log is a
 * Kafka topic; {@link InMemorySchemaRegistry} keeps one in a list, so both apply these same rules.
 *
 * <p>A single writer is assumed: this instance allocates ids from what it has replayed and written
 * itself. A second registry writing to the same topic is noticed at this one's next write (it lands
 * at an unexpected offset) and the log is re-read before the following change, but ids both handed
 * out before that may collide. Run one registry per topic.
 */
final class SchemaStore {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaStore.class);

  /** A version as the API reports it. */
  record Version(String subject, int version, int id, String schema, boolean deleted) {}

  private final SchemaLog schemaLog;
  private final Map<Integer, String> schemaById = new HashMap<>();
  private final Map<String, Integer> idBySchema = new HashMap<>();
  private final Map<Integer, Schema> parsedById = new HashMap<>();
  private final Map<String, TreeMap<Integer, SchemaVersion>> subjects = new TreeMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel;
  private int maxId;

  /**
   * Set when a write failed or another writer showed up: memory may differ from the log until
   * replayed.
   */
  private boolean stale;

  private SchemaStore(SchemaLog schemaLog) {
    this.schemaLog = schemaLog;
  }

  /** Rebuilds the state from the whole log before anything is served. */
  static SchemaStore replayedFrom(SchemaLog schemaLog) {
    SchemaStore store = new SchemaStore(schemaLog);
    schemaLog.replay(store::apply);
    return store;
  }

  /**
   * Before a change, rebuilds the state from the log if it may have diverged: a write whose
   * acknowledgement was lost may still have landed, and must not have its id handed out again.
   */
  private void ensureFresh() {
    if (!stale) {
      return;
    }
    SchemaStore reread = new SchemaStore(schemaLog);
    try {
      schemaLog.replay(reread::apply);
    } catch (RuntimeException e) {
      // Keep serving reads from the old state rather than from a half-read one
      throw SchemaRegistryException.storeError(
          "cannot re-read the schema log: " + e.getMessage(), e);
    }
    replace(schemaById, reread.schemaById);
    replace(idBySchema, reread.idBySchema);
    replace(subjects, reread.subjects);
    replace(subjectLevels, reread.subjectLevels);
    parsedById.clear();
    globalLevel = reread.globalLevel;
    maxId = reread.maxId;
    stale = false;
  }

  private static <K, V> void replace(Map<K, V> target, Map<K, V> source) {
    target.clear();
    target.putAll(source);
  }

  synchronized int schemaCount() {
    return schemaById.size();
  }

  // ---- schemas and subjects ----

  /**
   * Registers {@code schemaText} under {@code subject}; an identical live schema keeps its version
   * and id.
   */
  synchronized Version register(String subject, String schemaText) {
    ensureFresh();
    Schema schema = parse(schemaText);
    String canonical = schema.toString();
    Optional<SchemaVersion> existing = findLive(subject, canonical);
    if (existing.isPresent()) {
      return view(existing.get());
    }
    List<String> problems =
        levelOf(subject).incompatibilities(schema, liveSchemasNewestFirst(subject));
    if (!problems.isEmpty()) {
      throw new SchemaRegistryException(
          409,
          SchemaRegistryException.INCOMPATIBLE_SCHEMA,
          "Schema being registered is incompatible with an earlier schema for subject \""
              + subject
              + "\" under "
              + levelOf(subject)
              + ", details: "
              + problems);
    }
    int id = idBySchema.getOrDefault(canonical, maxId + 1);
    TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
    // Soft-deleted versions keep their numbers, as in Confluent's registry
    int version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    SchemaVersion entry = new SchemaVersion(subject, version, id, canonical, false);
    append(entry);
    apply(entry);
    parsedById.putIfAbsent(id, schema);
    LOG.info(
        "registered {} as version {} of subject {} (schema id {})",
        schema.getFullName(),
        version,
        subject,
        id);
    return view(entry);
  }

  /** The live version of {@code subject} holding {@code schemaText}. */
  synchronized Version lookup(String subject, String schemaText, boolean includeDeleted) {
    String canonical = parse(schemaText).toString();
    TreeMap<Integer, SchemaVersion> versions = subjectOrThrow(subject, includeDeleted);
    return versions.values().stream()
        .filter(v -> (includeDeleted || !v.deleted()) && v.schema().equals(canonical))
        .findFirst()
        .map(SchemaStore::view)
        .orElseThrow(
            () -> SchemaRegistryException.schemaNotFound("under subject '" + subject + "'"));
  }

  synchronized List<String> subjects(boolean includeDeleted) {
    List<String> names = new ArrayList<>();
    subjects.forEach(
        (name, versions) -> {
          if (includeDeleted || versions.values().stream().anyMatch(v -> !v.deleted())) {
            names.add(name);
          }
        });
    return names;
  }

  synchronized List<Integer> versions(String subject, boolean includeDeleted) {
    return subjectOrThrow(subject, includeDeleted).values().stream()
        .filter(v -> includeDeleted || !v.deleted())
        .map(SchemaVersion::version)
        .toList();
  }

  /** {@code versionText} is a number, "latest" or -1 (Confluent's alias for latest). */
  synchronized Version version(String subject, String versionText, boolean includeDeleted) {
    return view(find(subject, versionText, includeDeleted));
  }

  synchronized String schemaById(int id) {
    String schema = schemaById.get(id);
    if (schema == null) {
      throw SchemaRegistryException.schemaNotFound(String.valueOf(id));
    }
    return schema;
  }

  /** Every subject and version that holds schema {@code id}, live ones only unless asked. */
  synchronized List<Version> versionsOfId(int id, boolean includeDeleted) {
    schemaById(id);
    List<Version> found = new ArrayList<>();
    for (TreeMap<Integer, SchemaVersion> versions : subjects.values()) {
      for (SchemaVersion v : versions.values()) {
        if (v.id() == id && (includeDeleted || !v.deleted())) {
          found.add(view(v));
        }
      }
    }
    return found;
  }

  /** Soft-deletes every live version of {@code subject}; returns their numbers. */
  synchronized List<Integer> deleteSubject(String subject) {
    ensureFresh();
    TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
    if (versions == null) {
      throw SchemaRegistryException.subjectNotFound(subject);
    }
    List<SchemaVersion> live = versions.values().stream().filter(v -> !v.deleted()).toList();
    if (live.isEmpty()) {
      throw new SchemaRegistryException(
          404,
          SchemaRegistryException.SUBJECT_SOFT_DELETED,
          "Subject '"
              + subject
              + "' was soft deleted; permanent deletion is not supported by this registry.");
    }
    for (SchemaVersion version : live) {
      SchemaVersion deleted = version.asDeleted();
      append(deleted);
      apply(deleted);
    }
    LOG.info(
        "soft-deleted subject {} (versions {})",
        subject,
        live.stream().map(SchemaVersion::version).toList());
    return live.stream().map(SchemaVersion::version).toList();
  }

  /** Soft-deletes one version; returns its number. */
  synchronized int deleteVersion(String subject, String versionText) {
    ensureFresh();
    if (!isLatest(versionText)) {
      SchemaVersion target = find(subject, versionText, true);
      if (target.deleted()) {
        throw new SchemaRegistryException(
            404,
            SchemaRegistryException.VERSION_SOFT_DELETED,
            "Version "
                + target.version()
                + " of subject '"
                + subject
                + "' was already soft deleted.");
      }
    }
    SchemaVersion deleted = find(subject, versionText, false).asDeleted();
    append(deleted);
    apply(deleted);
    return deleted.version();
  }

  // ---- compatibility ----

  synchronized CompatibilityLevel globalLevel() {
    return globalLevel == null ? CompatibilityLevel.DEFAULT : globalLevel;
  }

  synchronized void setGlobalLevel(CompatibilityLevel level) {
    write(new CompatibilitySetting(null, level));
  }

  /** The subject's own setting; empty when it follows the global one. */
  synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  synchronized void setSubjectLevel(String subject, CompatibilityLevel level) {
    write(new CompatibilitySetting(subject, level));
  }

  /** Removes the subject's own setting and returns it. */
  synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
    ensureFresh();
    CompatibilityLevel previous = subjectLevels.get(subject);
    if (previous == null) {
      throw SchemaRegistryException.subjectLevelNotConfigured(subject);
    }
    write(new CompatibilitySetting(subject, null));
    return previous;
  }

  /**
   * Why {@code schemaText} could not follow version {@code versionText} ("latest" or a number) of
   * {@code subject} under the subject's level; that one version is compared, even for transitive
   * levels, as Confluent does on this endpoint.
   */
  synchronized List<String> incompatibilities(
      String subject, String versionText, String schemaText) {
    Schema schema = parse(schemaText);
    SchemaVersion target = find(subject, versionText, false);
    return levelOf(subject).incompatibilities(schema, List.of(parsed(target.id())));
  }

  /**
   * Why registering {@code schemaText} under {@code subject} now would be refused; empty when it
   * would not.
   */
  synchronized List<String> registrationIncompatibilities(String subject, String schemaText) {
    return levelOf(subject).incompatibilities(parse(schemaText), liveSchemasNewestFirst(subject));
  }

  // ---- internals ----

  private void write(CompatibilitySetting setting) {
    ensureFresh();
    append(setting);
    apply(setting);
    LOG.info(
        "compatibility of {} is now {}",
        setting.subject() == null ? "the registry" : "subject " + setting.subject(),
        setting.level() == null ? "the registry's" : setting.level());
  }

  private void append(SchemaLogEntry entry) {
    try {
      if (!schemaLog.append(entry)) {
        stale = true;
      }
    } catch (SchemaRegistryException e) {
      stale = true;
      throw e;
    }
  }

  private void apply(SchemaLogEntry entry) {
    if (entry instanceof SchemaVersion version) {
      subjects
          .computeIfAbsent(version.subject(), s -> new TreeMap<>())
          .put(version.version(), version);
      schemaById.putIfAbsent(version.id(), version.schema());
      idBySchema.putIfAbsent(version.schema(), version.id());
      maxId = Math.max(maxId, version.id());
    } else if (entry instanceof CompatibilitySetting setting) {
      if (setting.subject() == null) {
        globalLevel = setting.level();
      } else if (setting.level() == null) {
        subjectLevels.remove(setting.subject());
      } else {
        subjectLevels.put(setting.subject(), setting.level());
      }
    }
  }

  private CompatibilityLevel levelOf(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel());
  }

  private Optional<SchemaVersion> findLive(String subject, String canonical) {
    TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
    if (versions == null) {
      return Optional.empty();
    }
    return versions.values().stream()
        .filter(v -> !v.deleted() && v.schema().equals(canonical))
        .findFirst();
  }

  private List<Schema> liveSchemasNewestFirst(String subject) {
    TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
    if (versions == null) {
      return List.of();
    }
    return versions.descendingMap().values().stream()
        .filter(v -> !v.deleted())
        .map(v -> parsed(v.id()))
        .toList();
  }

  private Schema parsed(int id) {
    return parsedById.computeIfAbsent(id, i -> new Schema.Parser().parse(schemaById.get(i)));
  }

  private TreeMap<Integer, SchemaVersion> subjectOrThrow(String subject, boolean includeDeleted) {
    TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
    if (versions == null
        || (!includeDeleted && versions.values().stream().allMatch(SchemaVersion::deleted))) {
      throw SchemaRegistryException.subjectNotFound(subject);
    }
    return versions;
  }

  private SchemaVersion find(String subject, String versionText, boolean includeDeleted) {
    boolean latest = isLatest(versionText);
    int number = latest ? -1 : parseVersion(versionText);
    TreeMap<Integer, SchemaVersion> versions = subjectOrThrow(subject, includeDeleted);
    if (latest) {
      return versions.descendingMap().values().stream()
          .filter(v -> includeDeleted || !v.deleted())
          .findFirst()
          .orElseThrow(() -> SchemaRegistryException.versionNotFound(subject, versionText));
    }
    SchemaVersion found = versions.get(number);
    if (found == null || (found.deleted() && !includeDeleted)) {
      throw SchemaRegistryException.versionNotFound(subject, versionText);
    }
    return found;
  }

  private static boolean isLatest(String versionText) {
    return "latest".equalsIgnoreCase(versionText) || "-1".equals(versionText);
  }

  private static int parseVersion(String versionText) {
    try {
      int number = Integer.parseInt(versionText);
      if (number >= 1) {
        return number;
      }
    } catch (NumberFormatException ignored) {
      // reported below as the API's own error
    }
    throw SchemaRegistryException.invalidVersion(versionText);
  }

  private static Schema parse(String schemaText) {
    if (schemaText == null || schemaText.isBlank()) {
      throw SchemaRegistryException.invalidSchema("empty schema");
    }
    try {
      return new Schema.Parser().parse(schemaText);
    } catch (RuntimeException e) {
      // Avro reports bad schemas as SchemaParseException and, for bad defaults, AvroTypeException
      throw SchemaRegistryException.invalidSchema(e.getMessage());
    }
  }

  private static Version view(SchemaVersion v) {
    return new Version(v.subject(), v.version(), v.id(), v.schema(), v.deleted());
  }
}
