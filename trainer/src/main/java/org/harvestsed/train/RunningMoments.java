package org.harvestsed.train;

/** Running mean and variance (Welford), for the principal's reward scale; saved in checkpoints. */
final class RunningMoments {
  long count;
  double mean, m2;

  void add(double x) {
    count++;
    double d = x - mean;
    mean += d / count;
    m2 += d * (x - mean);
  }

  void load(java.io.DataInputStream in) throws java.io.IOException {
    count = in.readLong();
    mean = in.readDouble();
    m2 = in.readDouble();
  }

  /** The standard deviation of what was added; 1 until it is defined and positive. */
  double std() {
    if (count < 2) return 1;
    double sd = Math.sqrt(m2 / (count - 1));
    return sd > 1e-8 ? sd : 1;
  }
}
