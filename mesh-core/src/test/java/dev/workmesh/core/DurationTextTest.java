package dev.workmesh.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "30s, PT30S",
    "30m, PT30M",
    "2h, PT2H",
    "1d, PT24H",
    "2h30m, PT2H30M",
    "1d12h, PT36H",
    "1d2h3m4s, PT26H3M4S",
    "90m, PT1H30M",
    "0s, PT0S",
    "PT30M, PT30M",
    "pt45s, PT45S",
    "P1DT2H, PT26H",
    "PT1.5S, PT1.5S",
    "500ms, PT0.5S",
    "1s500ms, PT1.5S",
  })
  void parsesCompactAndIsoForms(String text, String iso) {
    assertThat(DurationText.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "2 hours", "30", "m30", "30m2h", "1h1h", "1w", "-5m", "1.5h", "5x"})
  void rejectsAnythingElseSayingWhatIsExpected(String text) {
    assertThatThrownBy(() -> DurationText.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"30s\", \"30m\", \"2h30m\", \"1d\" or ISO-8601 \"PT30M\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT-5M", "P1X"})
  void rejectsNegativeOrMalformedIso(String text) {
    assertThatThrownBy(() -> DurationText.parse(text)).hasMessageContaining("ISO-8601");
  }

  @ParameterizedTest
  @CsvSource({"PT2H30M, 2h30m", "PT24H, 1d", "PT26H3M4S, 1d2h3m4s", "PT0S, 0s", "PT1.5S, 1s500ms"})
  void formatsTheCompactForm(String iso, String text) {
    assertThat(DurationText.format(Duration.parse(iso))).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999999999999999999d", "999999999999999d"})
  void rejectsOverflow(String text) {
    assertThatThrownBy(() -> DurationText.parse(text)).hasMessageContaining(DurationText.EXPECTED);
  }
}
