#!/usr/bin/env bash
# Measures what the performance model (engine: org.harvestsed.engine.opencl.PerfModel) takes from the
# real kernels: per env-step, for each layout, mapping and phase, the instructions executed summed
# over the work-items (lane-insts) and over the warps as their busiest lane's (warp-insts), the
# barriers, and the global and local memory accesses, in all lanes and in the warps' busiest lanes.
# It runs the step kernel under Oclgrind 21.10 (kernels built at Oclgrind's default -Oz) with the
# plugin bench/lanes/lanes.cpp; each phase is counted as the difference between the full step and
# the step with that phase compiled out (-Dharvest.opencl.skip, KernelSource.SKIPPABLE); "other" is
# what the five phases leave (turns, consumption, incomes, taxes, clock, scalars, the barriers'
# bookkeeping). Output: engine/src/main/resources/perf/inst-counts.csv (committed; the model reads
# it, so running the model needs neither Oclgrind nor this script).
# Rows with skip "steps2" (default map, each mapping): the full step run as launches of 2 steps
# (harvest_step_many), counts per launch; with the one-step rows they split a step's counts into what a
# launch does once (the cells' copies, the argument set-up) and what each step does (PerfModel).
# STEPS2_ONLY=1 measures only those rows and replaces them in the existing file (about a minute).
# Needs: oclgrind, g++, the OpenCL C headers (apt-get install oclgrind g++ opencl-c-headers) and
# Oclgrind 21.10's source headers: OCLGRIND_SRC=/path/to/Oclgrind (git clone -b v21.10
# https://github.com/jrprice/Oclgrind). Takes about 10 minutes on 2 cores; run it under the machine's
# benchmark lock (flock /tmp/build.lock bench/inst-counts.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
OCLGRIND_SRC=${OCLGRIND_SRC:?set OCLGRIND_SRC to a checkout of https://github.com/jrprice/Oclgrind at tag v21.10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lib=$(ldconfig -p | awk '/liboclgrind-2[0-9.]*\.so/ {print $NF; exit}')
icd=$(dirname "$(command -v oclgrind)")/../lib/oclgrind/liboclgrind-rt-icd.so
[ -f "$icd" ] || icd=/usr/lib/oclgrind/liboclgrind-rt-icd.so
g++ -std=c++17 -O2 -fno-rtti -shared -fPIC -I"$OCLGRIND_SRC/src" -o "$work/liblanes.so" bench/lanes/lanes.cpp "$lib"
echo "$icd" >"$work/oclgrind.icd"
./mvnw -B -q -ntp -o -pl engine test-compile
./mvnw -B -q -ntp -o -pl engine dependency:build-classpath -Dmdep.outputFile="$work/cp" >/dev/null
cp="engine/target/classes:engine/target/test-classes:$(cat "$work/cp")"
out=engine/src/main/resources/perf/inst-counts.csv
mkdir -p "$(dirname "$out")"
# measure LAYOUT MAPPING LOCAL SKIP WARM STEPS [STEPS_PER_LAUNCH]: one row of counts appended to $out
measure() {
  local layout=$1 m=$2 ls=$3 skip=$4 warm=$5 steps=$6 per=${7:-1} props=()
  case "$skip" in none|steps2) ;; *) props=(-Dharvest.opencl.skip="$skip") ;; esac
  OCL_ICD_VENDORS="$work" OCLGRIND_PLUGINS="$work/liblanes.so" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
    "${props[@]}" -cp "$cp" org.harvestsed.engine.opencl.InstCountRun "$layout" "$m" 1 "$ls" "$warm" "$steps" "$per" 2>"$work/log" >/dev/null
  awk -v L="$layout" -v M="$m" -v S="$skip" -v LS="$ls" '
    /^measured:/ {on = 1; next}
    on && /^lanes:/ {n++; for (i = 2; i < NF; i += 2) sum[$i] += $(i + 1)}
    END {
      if (n == 0) {print "no counts for " L " " M " " S > "/dev/stderr"; exit 1}
      printf "%s,%s,%s,%s,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f\n", L, M, LS, S, n, sum["lane-insts"] / n, sum["warp-insts"] / n,
        sum["barriers"] / n, sum["lane-global"] / n, sum["warp-global"] / n, sum["lane-local"] / n, sum["warp-local"] / n
    }' "$work/log" >>"$out"
  tail -1 "$out"
}
steps2() {
  for ml in env:1 group:128 warp:32; do measure default "${ml%:*}" "${ml#*:}" steps2 1 2 2; done
}
if [ "${STEPS2_ONLY:-0}" = 1 ]; then
  grep -v ',steps2,' "$out" >"$work/kept" && cp "$work/kept" "$out"
  steps2
  exit 0
fi
{
  echo "# per env-step (rows steps2: per launch of 2 steps), mean of the measured ordinary steps; written by bench/inst-counts.sh ($(date -u +%Y-%m-%d), $(oclgrind --version | grep -m1 Oclgrind), kernels at -Oz)"
  echo "layout,mapping,local_size,skip,steps,lane_insts,warp_insts,barriers,lane_global,warp_global,lane_local,warp_local"
} >"$out"
for layout in default generated7000; do
  if [ "$layout" = default ]; then warm=2; steps=4; else warm=1; steps=2; fi
  for ml in env:1 group:128 warp:32; do
    m=${ml%:*}; ls=${ml#*:}
    for skip in none moves regrowth observe rewards actions; do
      measure "$layout" "$m" "$ls" "$skip" "$warm" "$steps"
    done
  done
done
steps2
