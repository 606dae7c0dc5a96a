package org.harvestsed.engine.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the opencl backend shares its buffers with the device ({@code run.transfer},
 * {@code --transfer}; docs/DESIGN-transfers.md): {@code auto} (zero-copy on a host-unified device,
 * the copy path elsewhere) or {@code copy} (the copy path on any device: state on the device, only
 * the IO buffers copied). The java backend copies nothing either way.
 */
public enum Transfer {
  AUTO, COPY;

  /** The config/CLI spelling. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The spellings, in order: [auto, copy]. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(Transfer::label).toList();
  }

  /** Parses auto|copy; anything else is a {@link ConfigException} at {@code where} naming the allowed values. */
  public static Transfer parse(String where, String s) {
    for (Transfer t : values()) {
      if (t.label().equals(s)) return t;
    }
    throw ConfigException.at(where, "'" + s + "' is unknown; allowed: " + labels());
  }
}
