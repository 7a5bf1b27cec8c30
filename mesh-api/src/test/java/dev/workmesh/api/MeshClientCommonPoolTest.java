package dev.workmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workmesh.client.model.MissionView;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * mesh-client's calls do not depend on the common fork-join pool: with every thread of it busy (one on a
 * two-core machine), a call to mesh-api is still answered at once. The JDK's own {@code sendAsync}, which
 * Spring's request factory calls, completes each response on that pool, so a worker whose common pool was
 * blocked (a parallel stream, a join) had every call to mesh-api wait out its read timeout.
 */
class MeshClientCommonPoolTest extends ApiTestBase {

  @Test
  void aCallIsAnsweredWhileEveryThreadOfTheCommonPoolIsBusy() throws Exception {
    MissionView mission = newMission();
    // More blockers than the pool has threads, spares included: the rest wait in its queue, as anything
    // handed to the pool meanwhile would. A sleeping thread is not compensated for.
    int blockers = ForkJoinPool.getCommonPoolParallelism() + 8;
    CountDownLatch busy = new CountDownLatch(ForkJoinPool.getCommonPoolParallelism());
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < blockers; i++) {
      ForkJoinPool.commonPool().execute(() -> {
        busy.countDown();
        while (release.getCount() > 0) {
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }
    try {
      assertThat(busy.await(10, TimeUnit.SECONDS)).as("the common pool's threads are busy").isTrue();
      long started = System.nanoTime();
      MissionView read = operator().mission(mission.id());
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(read.id()).isEqualTo(mission.id());
      assertThat(took).as("answered without the common pool").isLessThan(Duration.ofSeconds(3));
    } finally {
      release.countDown();
    }
  }
}
