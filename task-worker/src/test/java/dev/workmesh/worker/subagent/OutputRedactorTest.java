package dev.workmesh.worker.subagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.worker.secrets.KnownSecrets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Known secrets never pass into the attempt log, however the output is cut into chunks. */
class OutputRedactorTest {

  final KnownSecrets secrets = new KnownSecrets();
  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  final OutputRedactor redactor = new OutputRedactor(secrets, log::write);

  @Test
  void aSecretIsMaskedWhereverItIsAndTheRestPassesAtOnce() {
    secrets.add("hunter2-token");
    write("login with hunter2-token and again hunter2-token\nhunter2 alone is fine\n");
    assertThat(logged()).isEqualTo("login with [secret] and again [secret]\nhunter2 alone is fine\n");
  }

  @Test
  void aSecretSplitAcrossChunksIsMaskedAndOnlyItsPossibleStartIsHeldBack() {
    secrets.add("abcdef-123456");
    write("key=abc");
    assertThat(logged()).as("the possible start of a secret waits").isEqualTo("key=");
    write("def-12");
    write("3456 done\n");
    assertThat(logged()).isEqualTo("key=[secret] done\n");
    write("abcX\n");
    assertThat(logged()).as("not a secret after all").endsWith("abcX\n");
  }

  @Test
  void theHeldBackEndGoesOutAtEndOfStreamWithShorterSecretsInItMasked() {
    secrets.add("long-prefix-and-more");
    secrets.add("prefix");
    write("tail long-prefix-and");
    redactor.flush();
    assertThat(logged()).isEqualTo("tail long-[secret]-and");
  }

  @Test
  void aLongerSecretContainingAShorterOneIsMaskedWhole() {
    secrets.add("token");
    secrets.add("token-with-suffix");
    write("a token-with-");
    write("suffix and a token\n");
    assertThat(logged()).isEqualTo("a [secret] and a [secret]\n");
  }

  @Test
  void aSecretLearntWhileTheStreamRunsIsMaskedFromThenOn() {
    KnownSecrets attempt = secrets.including();
    OutputRedactor forAttempt = new OutputRedactor(attempt, log::write);
    attempt.add("claim-token-1");
    secrets.add("served-later");
    byte[] bytes = "claim-token-1 served-later abc\n".getBytes(StandardCharsets.UTF_8);
    forAttempt.write(bytes, 0, bytes.length);
    assertThat(logged()).isEqualTo("[secret] [secret] abc\n");
  }

  @Test
  void valuesTooShortToBeSecretsAreNotMasked() {
    secrets.add("abc");
    secrets.add(null);
    write("abc\n");
    assertThat(logged()).isEqualTo("abc\n");
  }

  private void write(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    redactor.write(bytes, 0, bytes.length);
  }

  private String logged() {
    return log.toString(StandardCharsets.UTF_8);
  }
}
