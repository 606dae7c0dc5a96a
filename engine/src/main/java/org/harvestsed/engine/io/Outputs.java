package org.harvestsed.engine.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.harvestsed.engine.config.ConfigException;

/**
 * Where a command writes, checked before it works: the output directory (or an output file's
 * directory) is created up front, and a path that cannot be created is bad input with one message
 * naming it (every command maps a {@link ConfigException} to exit 2), never a stack trace after
 * minutes of work.
 */
public final class Outputs {
  private Outputs() {}

  /** Creates {@code dir} (and its parents) for option {@code option}, e.g. "--out"; returns it. */
  public static Path directory(Path dir, String option) {
    try {
      Files.createDirectories(dir);
    } catch (IOException | SecurityException e) {
      throw new ConfigException(option + " " + dir + ": cannot create the directory (" + reason(e) + "); choose a directory you can write");
    }
    return dir;
  }

  /** Creates the directory of output file {@code file} for option {@code option}; returns the file. */
  public static Path fileIn(Path file, String option) {
    Path parent = file.toAbsolutePath().getParent();
    try {
      if (parent != null) Files.createDirectories(parent);
    } catch (IOException | SecurityException e) {
      throw new ConfigException(option + " " + file + ": cannot create its directory " + parent + " (" + reason(e) + "); choose a path you can write");
    }
    if (Files.isDirectory(file)) throw new ConfigException(option + " " + file + " is a directory; give a file name");
    return file;
  }

  private static String reason(Exception e) {
    if (e instanceof FileSystemException f) {
      String r = f.getReason();
      String what = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
      return (r != null ? r : what) + (f.getFile() != null ? ": " + f.getFile() : "");
    }
    return e.getMessage();
  }
}
