#!/usr/bin/env bash
# Medians of a training run's clock columns (docs/BENCHMARKS.md, issue 27): charts/player_SPS,
# charts/SPS, charts/rollout_s, charts/update_s over the rows of metrics.csv after the first SKIP
# iterations (default 3: the JIT and PyTorch's first allocations), per phase.
#   bench/medians.sh RUN_DIR [SKIP]
set -euo pipefail
csv="${1:?usage: bench/medians.sh RUN_DIR [SKIP]}/metrics.csv"
skip="${2:-3}"
awk -F, -v skip="$skip" '
  NR==1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  NR-1 > skip { p = $col["charts/phase"]; n[p]++; k = n[p]
    sps[p, k] = $col["charts/player_SPS"]; env[p, k] = $col["charts/SPS"]
    ro[p, k] = $col["charts/rollout_s"]; up[p, k] = $col["charts/update_s"] }
  function med(a, p, m,   i, j, t, v) { for (i = 1; i <= m; i++) v[i] = a[p, i] + 0
    for (i = 2; i <= m; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2 }
  END { for (p in n) printf "phase %s rows %d player_SPS %.0f SPS %.0f rollout_s %.4f update_s %.4f\n", p, n[p],
          med(sps, p, n[p]), med(env, p, n[p]), med(ro, p, n[p]), med(up, p, n[p]) }' "$csv" | sort
