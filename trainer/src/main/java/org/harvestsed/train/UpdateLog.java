package org.harvestsed.train;

/** Sums of the diagnostics of several PPO updates (the principal may update several times per players' iteration). */
final class UpdateLog {
  /** Means over the updates since the last {@link #drain()}. */
  record Summary(int updates, PpoUpdate.Stats stats, double explainedVariance, double meanReward) {}

  private int n, nEv;
  private double pg, vl, ent, kl, cf, gn, ev, reward;

  void add(PpoUpdate.Stats s, double explainedVariance, double meanReward) {
    n++;
    pg += s.policyLoss();
    vl += s.valueLoss();
    ent += s.entropy();
    kl += s.approxKl();
    cf += s.clipFraction();
    gn += s.gradNorm();
    if (!Double.isNaN(explainedVariance)) {
      ev += explainedVariance;
      nEv++;
    }
    reward += meanReward;
  }

  /** The means, or null if nothing was added; then starts over. */
  Summary drain() {
    if (n == 0) return null;
    Summary s = new Summary(n, new PpoUpdate.Stats((float) (pg / n), (float) (vl / n), (float) (ent / n), (float) (kl / n),
        (float) (cf / n), (float) (gn / n)), nEv == 0 ? Double.NaN : ev / nEv, reward / n);
    n = nEv = 0;
    pg = vl = ent = kl = cf = gn = ev = reward = 0;
    return s;
  }
}
