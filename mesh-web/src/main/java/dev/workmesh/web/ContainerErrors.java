package dev.workmesh.web;

/** What to tell a caller about an error that the servlet container, not the service, detected. */
final class ContainerErrors {

  private ContainerErrors() {}

  static String detail(int status) {
    return switch (status) {
      case 400 -> "the request is malformed (its request line, a header or the URL encoding); headers may be at"
          + " most 8 KiB together";
      case 404 -> "there is nothing at this path; see the service's API reference for its paths";
      case 405 -> "this method is not allowed on this path";
      case 408 -> "the request took too long to arrive";
      case 413 -> "the body is too large";
      case 414 -> "the URL is too long";
      case 431 -> "the request headers are too large: at most 8 KiB together";
      case 503 -> "the service is not ready to answer; retry in a few seconds";
      default -> status >= 500
          ? "the service could not handle this request; it has been logged. Try again, and report it if it persists."
          : "the request cannot be handled as sent";
    };
  }
}
