package org.harvestsed.engine.config;

/** Bad configuration: the message names the key path, what is wrong, and what is allowed. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public static ConfigException at(String path, String problem) {
    return new ConfigException(path + ": " + problem);
  }
}
