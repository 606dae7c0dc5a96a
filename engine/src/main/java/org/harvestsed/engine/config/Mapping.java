package org.harvestsed.engine.config;

import java.util.Locale;

/**
 * How the OpenCL step is laid out on a device ({@code run.mapping}, {@code --mapping}): one
 * work-item per env ({@code env}, right for CPU devices), one work-group per env ({@code group}),
 * one 32-lane sub-group (warp) per env with several envs per work-group ({@code warp}, for GPUs),
 * or chosen per device by the performance model ({@code auto}).
 */
public enum Mapping {
  AUTO, ENV, GROUP, WARP;

  /** The config/CLI spelling. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses auto|env|group|warp; anything else is a {@link ConfigException} naming the allowed values. */
  public static Mapping parse(String where, String s) {
    for (Mapping m : values()) {
      if (m.label().equals(s)) return m;
    }
    throw ConfigException.at(where, "'" + s + "' is unknown; allowed: auto, env, group, warp");
  }
}
