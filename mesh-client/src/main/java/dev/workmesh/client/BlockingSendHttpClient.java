package dev.workmesh.client;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The JDK {@link HttpClient} whose {@code sendAsync} makes a blocking {@code send} on a virtual thread of its
 * own. The JDK's own {@code sendAsync}, with an executor configured, completes the future it returns only
 * after a no-op stage has run on the default {@link CompletableFuture} pool, the common fork-join pool, which
 * has a single worker on a two-core machine (JDK 25): while that worker is busy every call in the JVM times
 * out, though the server has answered. Spring's {@code JdkClientHttpRequest} always calls
 * {@code sendAsync}; {@code send} makes no such hop. A cancelled future (Spring's read timeout) interrupts
 * the call, which aborts its exchange.
 */
final class BlockingSendHttpClient extends HttpClient {

  private final HttpClient delegate;

  BlockingSendHttpClient(HttpClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return delegate.send(request, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    CompletableFuture<HttpResponse<T>> response = new CompletableFuture<>();
    Thread call = Thread.ofVirtual().name("mesh-client-call").unstarted(() -> {
      try {
        response.complete(delegate.send(request, handler));
      } catch (Throwable t) {
        response.completeExceptionally(t);
      }
    });
    response.whenComplete((r, t) -> {
      if (response.isCancelled()) {
        call.interrupt();
      }
    });
    call.start();
    return response;
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> push) {
    return sendAsync(request, handler);
  }

  @Override public Optional<CookieHandler> cookieHandler() { return delegate.cookieHandler(); }
  @Override public Optional<Duration> connectTimeout() { return delegate.connectTimeout(); }
  @Override public Redirect followRedirects() { return delegate.followRedirects(); }
  @Override public Optional<ProxySelector> proxy() { return delegate.proxy(); }
  @Override public SSLContext sslContext() { return delegate.sslContext(); }
  @Override public SSLParameters sslParameters() { return delegate.sslParameters(); }
  @Override public Optional<Authenticator> authenticator() { return delegate.authenticator(); }
  @Override public Version version() { return delegate.version(); }
  @Override public Optional<Executor> executor() { return delegate.executor(); }
  @Override public void shutdown() { delegate.shutdown(); }
  @Override public void shutdownNow() { delegate.shutdownNow(); }
  @Override public boolean isTerminated() { return delegate.isTerminated(); }
  @Override public void close() { delegate.close(); }
}
