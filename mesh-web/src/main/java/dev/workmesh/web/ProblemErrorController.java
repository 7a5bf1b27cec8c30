package dev.workmesh.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the servlet container forwards to {@code /error} (a filter that failed, a method no handler
 * takes such as {@code TRACE}, a {@code sendError}) is answered as problem+json too, in place of Spring
 * Boot's own JSON or HTML. The message says what to change and never names a class.
 */
@RestController
public class ProblemErrorController implements ErrorController {

  @RequestMapping(value = "${server.error.path:${error.path:/error}}",
      produces = {MediaType.APPLICATION_PROBLEM_JSON_VALUE, MediaType.ALL_VALUE})
  public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i && i >= 400 ? i : 500;
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    ProblemDetail problem = Problems.of(status, title(status), ContainerErrors.detail(status));
    if (uri instanceof String path && !path.isEmpty()) {
      problem.setInstance(URI.create(Problems.safePath(path)));
    }
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }

  static String title(int status) {
    HttpStatus known = HttpStatus.resolve(status);
    return known == null ? "Error " + status : known.getReasonPhrase();
  }
}
