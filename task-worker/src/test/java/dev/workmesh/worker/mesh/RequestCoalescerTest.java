package dev.workmesh.worker.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Reports and heartbeats that arrive within the window share one request, a request never carries more
 * than the batch size, items that arrive while a request is on its way go together in the next one, and
 * each item gets its own answer.
 */
class RequestCoalescerTest {

  private final List<List<Integer>> requests = new CopyOnWriteArrayList<>();

  private List<String> answer(List<Integer> batch) {
    requests.add(batch);
    return batch.stream().map(i -> "answer-" + i).toList();
  }

  @Test
  void itemsWithinTheWindowShareOneRequestAndEachGetsItsOwnAnswer() {
    try (var coalescer = new RequestCoalescer<Integer, String>("test", Duration.ofMillis(300), 50, this::answer)) {
      List<CompletableFuture<String>> answers = IntStream.range(0, 5).mapToObj(coalescer::submit).toList();

      assertThat(answers.stream().map(CompletableFuture::join)).containsExactly(
          "answer-0", "answer-1", "answer-2", "answer-3", "answer-4");
      assertThat(requests).containsExactly(List.of(0, 1, 2, 3, 4));
    }
  }

  @Test
  void anItemAfterTheWindowGoesInARequestOfItsOwn() {
    try (var coalescer = new RequestCoalescer<Integer, String>("test", Duration.ofMillis(20), 50, this::answer)) {
      assertThat(coalescer.submit(1).join()).isEqualTo("answer-1");
      assertThat(coalescer.submit(2).join()).isEqualTo("answer-2");

      assertThat(requests).containsExactly(List.of(1), List.of(2));
    }
  }

  @Test
  void noRequestCarriesMoreThanTheBatchSize() {
    try (var coalescer = new RequestCoalescer<Integer, String>("test", Duration.ofMillis(300), 3, this::answer)) {
      List<CompletableFuture<String>> answers = IntStream.range(0, 7).mapToObj(coalescer::submit).toList();
      answers.forEach(CompletableFuture::join);

      assertThat(requests).allSatisfy(r -> assertThat(r).hasSizeLessThanOrEqualTo(3));
      assertThat(requests.stream().flatMap(List::stream)).containsExactly(0, 1, 2, 3, 4, 5, 6);
      assertThat(requests).hasSize(3);
    }
  }

  @Test
  void itemsArrivingWhileARequestIsOnItsWayGoTogetherInTheNext() throws Exception {
    CountDownLatch firstSent = new CountDownLatch(1);
    CountDownLatch letFirstReturn = new CountDownLatch(1);
    try (var coalescer = new RequestCoalescer<Integer, String>("test", Duration.ZERO, 50, batch -> {
      if (batch.contains(0)) {
        firstSent.countDown();
        try {
          letFirstReturn.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return answer(batch);
    })) {
      CompletableFuture<String> first = coalescer.submit(0);
      firstSent.await();
      List<CompletableFuture<String>> later = IntStream.range(1, 4).mapToObj(coalescer::submit).toList();
      letFirstReturn.countDown();

      assertThat(first.join()).isEqualTo("answer-0");
      later.forEach(CompletableFuture::join);
      await().atMost(Duration.ofSeconds(5)).until(() -> requests.size() == 2);
      assertThat(requests).containsExactly(List.of(0), List.of(1, 2, 3));
    }
  }

  @Test
  void aFailedRequestFailsEveryItemOfItsBatchAndTheNextOneIsSentAgain() {
    try (var coalescer = new RequestCoalescer<Integer, String>("test", Duration.ofMillis(100), 50, batch -> {
      if (batch.contains(-1)) {
        throw new IllegalStateException("unreachable");
      }
      return answer(batch);
    })) {
      CompletableFuture<String> a = coalescer.submit(-1);
      CompletableFuture<String> b = coalescer.submit(7);
      assertThatThrownBy(a::join).isInstanceOf(CompletionException.class).hasMessageContaining("unreachable");
      assertThatThrownBy(b::join).isInstanceOf(CompletionException.class);

      assertThat(coalescer.submit(8).join()).isEqualTo("answer-8");
    }
  }
}
