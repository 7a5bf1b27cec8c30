package dev.workmesh.web;

import java.beans.PropertyEditorSupport;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Path and query parameters read strictly (a custom editor takes precedence over Spring's lenient
 * conversion service): a UUID with {@link StrictUuids}, where a blank one means "not given"; an
 * integer as ASCII digits only, where a blank one ({@code ?limit=}) is refused rather than read as
 * absent, and fullwidth or other Unicode digits are refused as well.
 */
@ControllerAdvice
public class StrictParameters {

  private static final Pattern ASCII_INTEGER = Pattern.compile("-?[0-9]{1,10}");

  @InitBinder
  void strictParameters(WebDataBinder binder) {
    binder.registerCustomEditor(UUID.class, new PropertyEditorSupport() {
      @Override
      public void setAsText(String text) {
        setValue(text == null || text.isBlank() ? null : StrictUuids.parse(text.strip()));
      }
    });
    binder.registerCustomEditor(Integer.class, new StrictInteger());
    binder.registerCustomEditor(int.class, new StrictInteger());
  }

  /** An editor holds the value it converted, so each binder gets its own. */
  private static final class StrictInteger extends PropertyEditorSupport {
    @Override
    public void setAsText(String text) {
      if (text == null || !ASCII_INTEGER.matcher(text).matches()) {
        throw new IllegalArgumentException("not an integer");
      }
      setValue(Integer.valueOf(text));
    }
  }
}
