package dev.workmesh.api.task;

import dev.workmesh.api.auth.Caller;
import dev.workmesh.api.config.MeshApiProperties;
import dev.workmesh.web.RetryLaterException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Submissions per agent (Resilience4j rate limiters, one per agent): an agent that loops on
 * submit_mesh_task gets 429 with Retry-After instead of flooding the mesh. Operators are not limited.
 */
@Component
class SubmitRateLimiter {

  private final RateLimiterRegistry registry;
  private final int burst;

  SubmitRateLimiter(MeshApiProperties properties) {
    this.burst = properties.submitRate().burst();
    // A window of `burst` permits that refills every burst/perSecond seconds: the average rate is
    // perSecond, and a batch of up to `burst` tasks fits in one window.
    int perSecond = properties.submitRate().perSecond();
    this.registry = RateLimiterRegistry.of(RateLimiterConfig.custom()
        .limitForPeriod(burst)
        .limitRefreshPeriod(Duration.ofMillis(Math.max(1, 1000L * burst / perSecond)))
        .timeoutDuration(Duration.ZERO)
        .build());
  }

  void acquire(Caller caller, int tasks) {
    if (caller.isOperator()) {
      return;
    }
    if (tasks > burst) {
      throw RetryLaterException.tooManyRequests("a batch of " + tasks + " tasks exceeds this agent's burst of " + burst
          + " (mesh-api.submit-rate.burst); submit smaller batches", 1);
    }
    RateLimiter limiter = registry.rateLimiter(caller.agentId().toString());
    if (!limiter.acquirePermission(tasks)) {
      throw RetryLaterException.tooManyRequests("agent " + caller.agentId() + " is submitting faster than "
          + "mesh-api.submit-rate allows; retry after the delay in Retry-After", 1);
    }
  }
}
