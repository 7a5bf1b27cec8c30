package dev.workmesh.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {

  @TempDir Path dir;

  @Test
  void writesAFileOnlyItsOwnerMayReadInADirectoryOnlyItsOwnerMayEnter() throws Exception {
    Path target = dir.resolve("new/record.json");

    PrivateFiles.writeAtomically(target, "{\"pid\": 1}");

    assertThat(target).hasContent("{\"pid\": 1}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.getParent()))).isEqualTo("rwx------");
  }

  @Test
  void replacesTheWholeFileAndLeavesNoTemporaryFileBehind() throws Exception {
    Path target = dir.resolve("record.json");
    PrivateFiles.writeAtomically(target, "a longer first version");

    PrivateFiles.writeAtomically(target, "second");

    assertThat(target).hasContent("second");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }
}
