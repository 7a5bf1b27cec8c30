package dev.workmesh.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Web origins ({@code scheme://host[:port]}) as settings name them: the address of a service a browser page
 * may call, or a page allowed to call one. One form everywhere, because a browser compares origins as
 * exact strings in CORS and Content-Security-Policy.
 */
public final class WebOrigins {

  private WebOrigins() {}

  /**
   * The origin of an {@code http} or {@code https} URL that has no path (a trailing {@code /} is allowed),
   * query, fragment or user info, lower-cased, e.g. {@code http://localhost:8083}.
   *
   * @param key the setting's name, for the message
   * @throws IllegalArgumentException naming the key and what it expects
   */
  public static String parse(String key, String text) {
    String problem = key + " must be an origin such as http://localhost:8083 (scheme, host and port only), got '"
        + text + "'";
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(problem, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
        && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || !bare) {
      throw new IllegalArgumentException(problem);
    }
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
  }
}
