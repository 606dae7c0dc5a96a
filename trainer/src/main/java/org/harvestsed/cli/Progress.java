package org.harvestsed.cli;

import java.io.PrintStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The commands' progress bar: on a terminal, the usual bar redrawn in place; when the output is
 * not a terminal (a log file, CI, a Spark executor's stderr), one line per {@link #STEP}
 * percentage points instead of thousands of carriage-return frames.
 */
final class Progress {
  /** Percentage points between two lines when the output is not a terminal. */
  static final int STEP = 5;
  private static final Pattern PERCENT = Pattern.compile("\\s(\\d{1,3})%");

  private Progress() {}

  static ProgressBar bar(String task, long max) {
    ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500).continuousUpdate();
    if (System.console() == null) b.setConsumer(new DelegatingProgressBarConsumer(lines(System.err), 160));
    return b.build();
  }

  /** Prints a rendered bar as a line when its percentage reached the next multiple of {@link #STEP} (and its first and last). */
  static java.util.function.Consumer<String> lines(PrintStream out) {
    int[] last = {-1};
    return rendered -> {
      Matcher m = PERCENT.matcher(rendered);
      if (!m.find()) return;
      int p = Integer.parseInt(m.group(1));
      if (last[0] < 0 || p >= last[0] + STEP || (p == 100 && last[0] != 100)) {
        last[0] = p;
        out.println(rendered.strip());
      }
    };
  }
}
