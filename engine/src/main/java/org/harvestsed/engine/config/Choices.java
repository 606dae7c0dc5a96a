package org.harvestsed.engine.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The one parser of a config's enum values ({@code run.transfer}, {@code run.mapping},
 * {@code env.voting.social_choice}, {@code train.device}, ...): an enum constant's spelling is its
 * name in lower case, read case-insensitively; anything else is a {@link ConfigException} at the key
 * naming the allowed spellings.
 */
public final class Choices {
  private Choices() {}

  /** The config/CLI spelling of a constant: its name in lower case. */
  public static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** The spellings of every constant, in declaration order. */
  public static <E extends Enum<E>> List<String> labels(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Choices::label).toList();
  }

  /** The constant spelled {@code text} (case-insensitive, trimmed); else a ConfigException at {@code where}. */
  public static <E extends Enum<E>> E parse(Class<E> type, String where, String text) {
    String t = text.trim();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(t)) return e;
    }
    throw ConfigException.at(where, "'" + text + "' is unknown; allowed: " + labels(type));
  }
}
