package dev.workmesh.web;

import dev.workmesh.core.ValidationException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds RFC 9457 problem details, the only shape an error of a Workmesh service takes. One type-URI
 * scheme for every service: {@code https://workmesh.dev/problems/<status name>}, e.g. {@code
 * .../problems/bad-request}.
 */
public class Problems {

  public static final String TYPE_BASE = "https://workmesh.dev/problems/";

  private final JsonMapper json;

  public Problems(JsonMapper json) {
    this.json = json;
  }

  public static ProblemDetail of(int status, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
    problem.setTitle(title);
    problem.setType(URI.create(typeOf(status)));
    return problem;
  }

  public static String typeOf(int status) {
    return TYPE_BASE + slug(status);
  }

  public static ProblemDetail invalid(List<ValidationException.Violation> violations) {
    String detail = violations.size() == 1
        ? violations.getFirst().field() + ": " + violations.getFirst().message()
        : violations.size() + " fields are invalid: " + violations.stream()
            .map(v -> v.field() + ": " + v.message()).reduce((a, b) -> a + "; " + b).orElse("");
    ProblemDetail problem = of(400, "Invalid request", detail);
    problem.setProperty("errors", violations.stream()
        .map(v -> Map.of("field", v.field(), "message", v.message())).toList());
    return problem;
  }

  /** Writes a problem straight to a servlet response (for filters, which run outside Spring MVC). */
  public void write(HttpServletResponse response, int status, String title, String detail, String instance)
      throws IOException {
    write(response, of(status, title, detail), instance);
  }

  /** Writes a problem straight to a servlet response (for filters, which run outside Spring MVC). */
  public void write(HttpServletResponse response, ProblemDetail problem, String instance) throws IOException {
    problem.setInstance(URI.create(safePath(instance)));
    response.setStatus(problem.getStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.getOutputStream().write(json.writeValueAsBytes(problem));
  }

  /** A request path fit for the {@code instance} member: a path that is no valid URI is left out. */
  public static String safePath(String path) {
    try {
      return URI.create(path).getRawPath() == null ? "/" : path;
    } catch (IllegalArgumentException e) {
      return "/";
    }
  }

  private static String slug(int status) {
    HttpStatus known = HttpStatus.resolve(status);
    return known == null ? Integer.toString(status) : known.name().toLowerCase().replace('_', '-');
  }
}
