package org.harvestsed.engine.config;

import java.util.Locale;

/**
 * How the OpenCL step is laid out on a device ({@code run.mapping}, {@code --mapping}): one
 * work-item per env ({@code env}, right for CPU devices), one work-group per env ({@code group},
 * for GPUs and accelerators), or chosen by the device's type ({@code auto}).
 */
public enum Mapping {
  AUTO, ENV, GROUP;

  /** The config/CLI spelling. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses auto|env|group; anything else is a {@link ConfigException} naming the allowed values. */
  public static Mapping parse(String where, String s) {
    for (Mapping m : values()) {
      if (m.label().equals(s)) return m;
    }
    throw ConfigException.at(where, "'" + s + "' is unknown; allowed: auto, env, group");
  }
}
