package dev.workmesh.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Optional;
import org.springframework.http.HttpHeaders;

/**
 * The building blocks of every bearer-token check: reading {@code Authorization: Bearer <token>},
 * comparing in constant time, and the 401 answer with {@code WWW-Authenticate}.
 */
public final class BearerTokens {

  private static final String BEARER = "Bearer ";

  private BearerTokens() {}

  /** The token of {@code Authorization: Bearer <token>}, or empty when the header is missing or not Bearer. */
  public static Optional<String> from(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    String token = header.substring(BEARER.length()).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /** Whether two digests are equal, in time that does not depend on where they differ. */
  public static boolean sameDigest(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  /** Answers 401 with {@code WWW-Authenticate: Bearer realm="<realm>"} and a problem that says what to send. */
  public static void challenge(Problems problems, HttpServletRequest request, HttpServletResponse response,
      String realm, String detail) throws IOException {
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"");
    problems.write(response, 401, "Unauthorized", detail, request.getRequestURI());
  }
}
