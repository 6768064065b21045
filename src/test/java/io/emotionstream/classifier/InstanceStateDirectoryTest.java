package io.emotionstream.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceStateDirectoryTest {
  @TempDir Path root;

  @Test
  void instancesSideBySideGetDirectoriesOfTheirOwnAndARestartedOneGetsItsOwnBack()
      throws Exception {
    try (InstanceStateDirectory first = InstanceStateDirectory.claim(root, "classifier");
        InstanceStateDirectory second = InstanceStateDirectory.claim(root, "classifier")) {
      assertEquals(root.resolve("classifier/instance-0"), first.path());
      assertEquals(root.resolve("classifier/instance-1"), second.path());
      assertTrue(Files.isDirectory(second.path()));

      first.close();
      try (InstanceStateDirectory restarted = InstanceStateDirectory.claim(root, "classifier")) {
        assertEquals(first.path(), restarted.path(), "the lowest free one: the stopped instance's");
      }
    }
  }

  @Test
  void applicationsCountTheirInstancesApart() throws Exception {
    try (InstanceStateDirectory classifier = InstanceStateDirectory.claim(root, "classifier");
        InstanceStateDirectory other = InstanceStateDirectory.claim(root, "other-classifier")) {
      assertEquals(root.resolve("classifier/instance-0"), classifier.path());
      assertEquals(root.resolve("other-classifier/instance-0"), other.path());
    }
  }
}
