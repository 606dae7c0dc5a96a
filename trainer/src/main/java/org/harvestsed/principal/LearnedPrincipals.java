package org.harvestsed.principal;

import java.nio.file.Path;
import java.util.ServiceLoader;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.EnvSpec;

/**
 * Loads the trained principal of a run ({@code learned:RUN_DIR}). The trainer provides it (a
 * {@link ServiceLoader} service, META-INF/services), so this package names no trainer class and
 * the principal and the trainer do not import each other.
 */
public interface LearnedPrincipals {
  /** The principal trained in {@code runDir}, acting on {@code spec} with draws keyed by {@code seed}. */
  Principal load(Path runDir, EnvSpec spec, long seed);

  /** The provider on the class path. */
  static LearnedPrincipals provider() {
    return ServiceLoader.load(LearnedPrincipals.class, LearnedPrincipals.class.getClassLoader()).findFirst()
        .orElseThrow(() -> new ConfigException("learned:RUN_DIR needs the trainer on the class path (no LearnedPrincipals provider found)"));
  }
}
