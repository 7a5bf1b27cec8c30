package dev.workmesh.web;

import dev.workmesh.core.ValidationException;
import java.lang.reflect.Type;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * A body that is the JSON literal {@code null} is refused: where a body is optional, leaving it out
 * means "the defaults", but {@code null} is a mistake (a client that serialised nothing) and must not
 * be read as the defaults.
 */
@ControllerAdvice
public class NullBodyRefusal extends RequestBodyAdviceAdapter {

  @Override
  public boolean supports(MethodParameter parameter, Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) {
    return true;
  }

  @Override
  public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter,
      Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
    if (body == null) {
      throw ValidationException.of("body", "must be a JSON object, not null; to use the defaults, send no body");
    }
    return body;
  }
}
