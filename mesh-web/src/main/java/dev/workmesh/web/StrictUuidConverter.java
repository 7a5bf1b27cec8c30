package dev.workmesh.web;

import java.beans.PropertyEditorSupport;
import java.util.UUID;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Path and query ids: every binder reads a UUID with {@link StrictUuids} instead of Spring's lenient
 * conversion (a custom editor takes precedence over the conversion service).
 */
@ControllerAdvice
public class StrictUuidConverter {

  @InitBinder
  void strictUuids(WebDataBinder binder) {
    binder.registerCustomEditor(UUID.class, new PropertyEditorSupport() {
      @Override
      public void setAsText(String text) {
        setValue(text == null || text.isBlank() ? null : StrictUuids.parse(text.strip()));
      }
    });
  }
}
