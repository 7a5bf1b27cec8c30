package dev.workmesh.testsupport.contract;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request and its response as the server saw them.
 *
 * @param query the query parameters (a name may repeat)
 * @param requestBody the body bytes the server read, or empty
 * @param responseBody null when the response was streamed (server-sent events) and not captured
 */
public record Exchange(String method, String path, Map<String, List<String>> query, String requestContentType,
    byte[] requestBody, int status, String responseContentType, byte[] responseBody) {

  public String describe() {
    return method + " " + path + (query.isEmpty() ? "" : " " + query) + " -> " + status;
  }
}
