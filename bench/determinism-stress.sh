#!/usr/bin/env bash
# Determinism stress (issue 22; docs/BENCHMARKS.md, "Determinism stress"): quickstart-sized trainings,
# each (seed, run.threads) pair trained twice; every pair must give the same metrics.csv apart from its
# wall-clock columns and the same players.csv, and no run may stop on a NaN. Resumable: a run whose
# directory holds players.csv is not run again.
#   bench/determinism-stress.sh OUT [SEEDS] [THREADS] [REPEATS]
#   THREADS: run.threads values; "default" runs configs/quickstart.yaml as it is (the README's main job)
#   e.g. bench/determinism-stress.sh runs/stress "2 3 4 5 6" "1 2" 2     (20 trainings)
#        bench/determinism-stress.sh runs/stress "1" "default" 10        (the README's main job ten times)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: bench/determinism-stress.sh OUT [SEEDS] [THREADS] [REPEATS]}"
seeds="${2:-1 2 3 4 5 6 7 8}"
threads="${3:-1 2}"
repeats="${4:-2}"
mkdir -p "$out"
# the clock columns of metrics.csv (Metrics.WALL_CLOCK), blanked before comparing
clock='charts/SPS|charts/player_SPS|charts/rollout_s|charts/update_s|charts/rollout_fraction|charts/principal_update_s'
strip() { # metrics.csv without its clock columns
  awk -F, -v re="^($clock)\$" 'NR==1{for(i=1;i<=NF;i++) if($i ~ re) drop[i]=1} {s=""; for(i=1;i<=NF;i++) if(!(i in drop)) s=s $i ","; print s}' "$1"
}
for th in $threads; do # the quickstart with run.threads set (the env workers)
  if [ "$th" = default ]; then cp "$root/configs/quickstart.yaml" "$out/quickstart-t$th.yaml"; continue; fi
  sed "s/^run:$/run:\n  threads: $th/" "$root/configs/quickstart.yaml" > "$out/quickstart-t$th.yaml"
  grep -q "^  threads: $th$" "$out/quickstart-t$th.yaml" || { echo "could not set run.threads in $out/quickstart-t$th.yaml"; exit 2; }
done
for s in $seeds; do
  for th in $threads; do
    for r in $(seq 1 "$repeats"); do
      d="$out/s$s-t$th-r$r"
      [ -f "$d/players.csv" ] && continue
      rm -rf "$d"
      start=$(date +%s)
      "$root/harvest" train --config "$out/quickstart-t$th.yaml" --seed "$s" --out "$d" > "$d.log" 2>&1
      rc=$?
      echo "s$s-t$th-r$r rc=$rc wall=$(( $(date +%s) - start ))s" >> "$out/runs.txt"
    done
  done
done
fail=0
nan=$(grep -l "NaN" "$out"/*.log 2>/dev/null | wc -l)
for s in $seeds; do
  for th in $threads; do
    ref="$out/s$s-t$th-r1"
    for r in $(seq 2 "$repeats"); do
      d="$out/s$s-t$th-r$r"
      if [ -f "$ref/players.csv" ] && [ -f "$d/players.csv" ] && cmp -s <(strip "$ref/metrics.csv") <(strip "$d/metrics.csv") && cmp -s "$ref/players.csv" "$d/players.csv"; then
        echo "seed $s threads $th: repeat $r identical"
      else
        echo "seed $s threads $th: repeat $r DIFFERS (or a run did not finish)"; fail=1
      fi
    done
    if [ "$th" != "$(echo $threads | awk '{print $1}')" ]; then
      t1="$out/s$s-t$(echo $threads | awk '{print $1}')-r1"
      if cmp -s <(strip "$t1/metrics.csv") <(strip "$ref/metrics.csv"); then echo "seed $s: threads $th equals threads $(echo $threads | awk '{print $1}')"; else echo "seed $s: threads $th DIFFERS from threads $(echo $threads | awk '{print $1}')"; fail=1; fi
    fi
  done
done
echo "runs: $(ls -d "$out"/s*-t*-r* 2>/dev/null | grep -v '\.log$' | wc -l); logs mentioning NaN: $nan"
[ "$nan" = 0 ] || fail=1
exit $fail
