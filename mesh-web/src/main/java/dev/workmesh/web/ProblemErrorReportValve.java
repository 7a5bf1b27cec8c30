package dev.workmesh.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.MediaType;

/**
 * Errors Tomcat answers before any servlet runs (a request header over the size limit, a malformed
 * request line) as problem+json, in place of Tomcat's HTML page. Written by hand: the body is a fixed
 * shape and the JSON library is not at hand in a container valve.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    try {
      response.resetBuffer();
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response.setCharacterEncoding("UTF-8");
      String body = "{\"type\":\"" + Problems.typeOf(status) + "\",\"title\":\"" + ProblemErrorController.title(status)
          + "\",\"status\":" + status + ",\"detail\":\"" + ContainerErrors.detail(status) + "\"}";
      response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
      response.finishResponse();
    } catch (IOException | IllegalStateException e) {
      // The client is gone or the response cannot take a body: nothing more to tell.
    }
  }
}
