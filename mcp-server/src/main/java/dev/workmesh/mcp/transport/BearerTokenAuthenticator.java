package dev.workmesh.mcp.transport;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.workmesh.client.MeshApiException;
import dev.workmesh.client.MeshClient;
import dev.workmesh.mcp.config.McpServerProperties;
import dev.workmesh.mcp.config.MeshClients;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.RestClientException;

/**
 * Decides whether an HTTP caller's bearer token is one mesh-api accepts, without a database: it asks
 * mesh-api (the cheapest authenticated read, one mission) and trusts the answer for
 * {@code mcp-server.token-cache-ttl}. An accepted token gets its own {@link MeshClient}, so every tool call
 * acts as that token's agent (or as the operator) and mesh-api still checks each call.
 */
class BearerTokenAuthenticator {

  private static final Logger log = LoggerFactory.getLogger(BearerTokenAuthenticator.class);
  private static final int MAX_TOKEN_LENGTH = 512;

  /** The outcome of authenticating one request. */
  sealed interface Outcome {
    record Accepted(MeshClient client, String fingerprint) implements Outcome {}

    record Rejected(String reason) implements Outcome {}

    record Unavailable(String reason) implements Outcome {}
  }

  private final MeshClients clients;
  private final Cache<String, MeshClient> accepted;

  BearerTokenAuthenticator(MeshClients clients, McpServerProperties properties) {
    this.clients = clients;
    this.accepted = Caffeine.newBuilder()
        .expireAfterWrite(properties.tokenCacheTtl())
        .maximumSize(10_000)
        .build();
  }

  Outcome authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return new Outcome.Rejected("send 'Authorization: Bearer <token>' with an agent token (the operator enrols"
          + " agents with POST /work/agents) or the operator token");
    }
    String token = authorization.substring(7).strip();
    if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return new Outcome.Rejected("the bearer token is empty or too long to be a Workmesh token");
    }
    String fingerprint = fingerprint(token);
    MeshClient known = accepted.getIfPresent(fingerprint);
    if (known != null) {
      return new Outcome.Accepted(known, fingerprint);
    }
    MeshClient client = clients.forToken(token);
    try {
      client.missions(null, 1);
    } catch (MeshApiException e) {
      if (e.status() == 401) {
        return new Outcome.Rejected("mesh-api does not accept this token: it is wrong, or its agent was revoked");
      }
      log.warn("checking a bearer token: mesh-api answered {}", e.status());
      return new Outcome.Unavailable("the mesh could not check the token right now; try again shortly");
    } catch (RestClientException e) {
      log.warn("checking a bearer token: mesh-api at {} is unreachable: {}", clients.apiUrl(), e.getMessage());
      return new Outcome.Unavailable("the mesh is unreachable right now; try again shortly");
    }
    accepted.put(fingerprint, client);
    return new Outcome.Accepted(client, fingerprint);
  }

  /** A token's SHA-256: what the server keeps to recognise it, instead of the token itself. */
  static String fingerprint(String token) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
