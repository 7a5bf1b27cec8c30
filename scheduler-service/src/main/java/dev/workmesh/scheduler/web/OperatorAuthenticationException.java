package dev.workmesh.scheduler.web;

import dev.workmesh.web.StatusException;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/** No operator token, or the wrong one; answered 401 with {@code WWW-Authenticate: Bearer}. */
final class OperatorAuthenticationException extends StatusException {

  OperatorAuthenticationException(String message) {
    super(401, "Operator token required", message);
  }

  @Override
  public Map<String, String> headers() {
    return Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"scheduler-service\"");
  }
}
