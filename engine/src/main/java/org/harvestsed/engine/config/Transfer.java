package org.harvestsed.engine.config;

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
    return Choices.label(this);
  }

  /** The spellings, in order: [auto, copy]. */
  public static java.util.List<String> labels() {
    return Choices.labels(Transfer.class);
  }
}
