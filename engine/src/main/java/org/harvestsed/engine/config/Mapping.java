package org.harvestsed.engine.config;

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
    return Choices.label(this);
  }
}
