package dev.workmesh.testsupport.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workmesh.testsupport.contract.OpenApiDocument.Operation;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Sends requests made from an OpenAPI document to a service, for every operation, half of them broken on
 * purpose: none may get a 5xx, and a refused one must leave the service's state as it was. The seed comes from
 * {@code -Dcontract.seed=N} or the clock and is printed, so that a failing run is replayed by its seed.
 * What the service is (how to send, what its state is, which tokens to draw) is a {@link Service}'s part.
 */
public final class GeneratedRequests {

  private GeneratedRequests() {}

  /** One request made from the document, and the token it carries (null: none). */
  public record Request(Operation operation, String path, String query, String body, String token) {

    /** The path with its query string, as sent. */
    public String target() {
      return path + (query.isEmpty() ? "" : "?" + query);
    }

    /** The request and its answer, in a line that says what to replay. */
    public String describe(HttpResponse<String> response) {
      return operation.id() + " " + path + "?" + query + " " + abbreviate(body) + " -> " + response.statusCode() + " "
          + abbreviate(response.body());
    }
  }

  /** The service the requests go to. */
  public interface Service {

    /** Sends one request and reads the whole answer. */
    HttpResponse<String> send(Request request);

    /** The state that a refused request must leave as it was, as one string. */
    String state();

    /**
     * The tokens a request carries, one drawn per request (null sends none); list a token more than once to
     * draw it more often.
     */
    List<String> tokens();

    /** The body of a request chosen to be broken; by default the generator's mutation of it. */
    default String broken(String body, Random choice, RequestGenerator generator) {
      return generator.mutate(body);
    }

    /** More checks of one answer, after the loop's own (no 5xx). */
    default void check(Request request, HttpResponse<String> response) {}

    /** Whether the answer refused the request and so must have changed nothing (by default any 4xx). */
    default boolean refused(Request request, HttpResponse<String> response) {
      return response.statusCode() >= 400;
    }
  }

  /**
   * @param statuses how many answers each operation got with each status, keyed {@code operationId:status}
   * @param refused how many requests were refused and changed nothing
   */
  public record Outcome(Map<String, Integer> statuses, int refused) {}

  /**
   * Sends {@code perOperation} requests for each operation of {@code doc} (but those that answer with an event
   * stream, which a request would wait on) and checks each answer.
   *
   * @param name what the seed and the statuses are printed under (the test's name)
   * @param knownValues as {@link RequestGenerator} takes them: the values that exist for a path template
   */
  public static Outcome send(String name, OpenApiDocument doc, Function<String, List<?>> knownValues,
      int perOperation, Service service) {
    long seed = Long.getLong("contract.seed", System.nanoTime());
    System.out.println(name + " seed: " + seed + " (rerun with -Dcontract.seed=" + seed + ")");
    RequestGenerator generator = new RequestGenerator(doc, seed, knownValues);
    Random choice = new Random(seed);
    List<String> tokens = service.tokens();
    Map<String, Integer> statuses = new LinkedHashMap<>();
    int refused = 0;
    for (Operation op : doc.operations()) {
      if (op.definition().path("responses").path("200").path("content").has("text/event-stream")) {
        continue;
      }
      for (int i = 0; i < perOperation; i++) {
        String path = generator.path(op);
        String query = generator.query(op);
        String body = generator.body(op);
        if (choice.nextBoolean()) {
          body = service.broken(body, choice, generator);
        }
        Request request = new Request(op, path, query, body, tokens.get(choice.nextInt(tokens.size())));
        String before = service.state();
        HttpResponse<String> response = service.send(request);
        String what = request.describe(response);
        statuses.merge(op.id() + ":" + response.statusCode(), 1, Integer::sum);
        assertTrue(response.statusCode() < 500, () -> what + ": a generated request got a server error");
        service.check(request, response);
        if (service.refused(request, response)) {
          refused++;
          assertEquals(before, service.state(), () -> "a refused request changed state: " + what);
        }
      }
    }
    System.out.println(name + " statuses: " + statuses);
    return new Outcome(statuses, refused);
  }

  private static String abbreviate(String s) {
    return s == null ? "<none>" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
