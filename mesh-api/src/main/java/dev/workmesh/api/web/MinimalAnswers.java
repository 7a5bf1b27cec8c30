package dev.workmesh.api.web;

import java.util.Locale;
import org.springframework.http.ResponseEntity;

/**
 * The {@code Prefer: return=minimal} request preference (RFC 7240) of the report endpoints: a caller that
 * has no use for the task after its report (task-worker) is answered 204 with no body, which spares the
 * task's read and its JSON on both sides. Other preferences, and malformed ones, are ignored, as the RFC
 * asks.
 */
public final class MinimalAnswers {

  /** The {@code Prefer} header and the one that says it was honoured. */
  public static final String PREFER = "Prefer";
  public static final String APPLIED = "Preference-Applied";
  public static final String RETURN_MINIMAL = "return=minimal";

  private MinimalAnswers() {}

  /** Whether the {@code Prefer} header (null when absent) asks for {@code return=minimal}. */
  public static boolean wanted(String prefer) {
    if (prefer == null) {
      return false;
    }
    for (String preference : prefer.split(",")) {
      String[] nameAndParameters = preference.split(";", 2);
      String[] nameAndValue = nameAndParameters[0].split("=", 2);
      if (nameAndValue.length == 2 && nameAndValue[0].strip().toLowerCase(Locale.ROOT).equals("return")
          && nameAndValue[1].strip().replace("\"", "").toLowerCase(Locale.ROOT).equals("minimal")) {
        return true;
      }
    }
    return false;
  }

  /** 204 with {@code Preference-Applied: return=minimal}. */
  public static <T> ResponseEntity<T> noContent() {
    return ResponseEntity.noContent().header(APPLIED, RETURN_MINIMAL).build();
  }
}
