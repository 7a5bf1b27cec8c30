package dev.workmesh.worker.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityStoreTest {

  @TempDir Path dir;

  @Test
  void theIdentityIsKeptOwnerOnlyAndReadBack() throws Exception {
    IdentityStore store = new IdentityStore(dir.resolve("node").resolve("identity.json"));
    assertThat(store.load()).isEmpty();
    AgentIdentity identity = new AgentIdentity(UUID.randomUUID(), "wm_agent_secret", "node-1", "http://mesh:8080",
        Instant.now().truncatedTo(ChronoUnit.MILLIS));

    store.save(identity);

    assertThat(store.load()).contains(identity);
    assertThat(Files.getPosixFilePermissions(store.file())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(store.file().getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(identity.toString()).doesNotContain("wm_agent_secret");
  }

  @Test
  void aDamagedFileSaysHowToRecover() throws Exception {
    IdentityStore store = new IdentityStore(dir.resolve("identity.json"));
    Files.writeString(store.file(), "{\"agent_id\": null}");
    assertThatThrownBy(store::load).hasMessageContaining(store.file().toString()).hasMessageContaining("enrolment-token");
  }
}
