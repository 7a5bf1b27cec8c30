package dev.workmesh.web;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * UUIDs as text, strictly: 36 characters of ASCII hex digits and hyphens in the 8-4-4-4-12 layout.
 * {@link UUID#fromString} also takes other digits (fullwidth {@code ０}), shorter groups and no hyphen
 * at the right place, so that two spellings could reach one row; Jackson's reader takes Base64.
 */
public final class StrictUuids {

  public static final String EXAMPLE = "01890a5d-ac96-774b-bcce-b302099a8057";

  private static final Pattern TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private StrictUuids() {}

  public static boolean isUuid(String text) {
    return text != null && TEXT.matcher(text).matches();
  }

  /** The UUID, or an IllegalArgumentException whose message says what is expected. */
  public static UUID parse(String text) {
    if (!isUuid(text)) {
      throw new IllegalArgumentException("must be a UUID such as " + EXAMPLE);
    }
    return UUID.fromString(text);
  }
}
