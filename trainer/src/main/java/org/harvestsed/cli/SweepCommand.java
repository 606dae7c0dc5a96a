package org.harvestsed.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code ./harvest sweep}: listed here so that {@code ./harvest --help} names it; the launcher runs
 * it with Apache Spark's class path (the sweep module's SweepMain), which the other commands do not
 * load. Reached only when this CLI is started without the launcher.
 */
@Command(name = "sweep", description = "Many training runs over seeds, principals and config axes as Apache Spark tasks, resumable "
    + "(docs/SWEEPS.md): ./harvest sweep --spec configs/sweeps/principals.yaml [--master local[*]] [--out DIR]")
final class SweepCommand implements Callable<Integer> {
  @Unmatched List<String> args; // the sweep's own options, which SweepMain parses

  @Override
  public Integer call() {
    throw new Main.UsageError("sweep runs with Apache Spark's class path: start it through the launcher, ./harvest sweep --spec F "
        + "(./harvest sweep --help lists its options)");
  }
}
