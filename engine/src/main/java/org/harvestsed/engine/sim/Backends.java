package org.harvestsed.engine.sim;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.RunSettings;

/** The backends: the two built into the engine and the optional ones found as {@link BackendProvider}s. */
public final class Backends {
  private Backends() {}

  /** Every backend name a config may name ({@link RunSettings#BACKENDS}); {@code tornado} needs the optional module (see {@link #TORNADO_MISSING}). */
  public static final List<String> NAMES = RunSettings.BACKENDS;

  /** What to do when the tornado backend is asked for but its module is not on the class path. */
  public static final String TORNADO_MISSING = "the tornado backend is not in this build. To get it: install a TornadoVM SDK"
      + " for JDK 25 with the OpenCL or PTX backend (docs/TORNADO.md), export TORNADOVM_HOME=<the SDK's"
      + " directory> (the directory holding tornado-argfile), and run ./harvest again: it then builds the tornado module"
      + " (Maven profile 'tornado') and starts the JVM with TornadoVM's flags. The java and opencl backends work without it.";

  /** The provider of an optional backend, if its module is on the class path. */
  public static Optional<BackendProvider> provider(String name) {
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals(name)) return Optional.of(p);
    }
    return Optional.empty();
  }

  /** The provider of an optional backend, or a {@link ConfigException} saying how to get it. */
  public static BackendProvider require(String name) {
    return provider(name).orElseThrow(() -> new ConfigException(
        name.equals("tornado") ? TORNADO_MISSING : "backend '" + name + "' is unknown; allowed: " + String.join(", ", NAMES)));
  }
}
