package dev.workmesh.testsupport.browser;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that drives a real headless Chromium through Selenium (Debian's {@code chromium} and
 * {@code chromium-driver}). These run under the Maven profile {@code browser} ({@code ./mvnw verify
 * -Pbrowser}); the default build leaves them out. Without Chromium they fail, they never skip.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(RunsInBrowser.TAG)
public @interface RunsInBrowser {
  String TAG = "browser";
}
