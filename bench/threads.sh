#!/usr/bin/env bash
# Threads by measurement (issue 27; docs/BENCHMARKS.md, "Threads"): trains CONFIG under each thread
# setting in turn, ROUNDS rounds interleaved (setting 1, 2, ..., then again), and prints each run's
# medians (bench/medians.sh). A setting is "NAME ENV... -- TORCH_THREADS RUN_THREADS", ENV being
# variables for the JVM (OMP_WAIT_POLICY=..., GOMP_SPINCOUNT=...; "unset": none, libgomp's defaults).
# The launcher's malloc settings apply to every run.
#   bench/threads.sh CONFIG OUT [ROUNDS]
# Runs java on trainer/target (build first: ./mvnw -B -q -ntp -DskipTests -pl trainer -am package), or
# on the trainer.jar and lib/ in JARS (a copy of another build's trainer/target).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
config="${1:?usage: bench/threads.sh CONFIG OUT [ROUNDS]}"
out="${2:?usage: bench/threads.sh CONFIG OUT [ROUNDS]}"
rounds="${3:-2}"
mkdir -p "$out"
settings=(
  "passive OMP_WAIT_POLICY=PASSIVE -- 2 0"
  "default unset -- 2 0"
  "active OMP_WAIT_POLICY=ACTIVE -- 2 0"
  "spin10k unset GOMP_SPINCOUNT=10000 -- 2 0"
  "passive-torch1 OMP_WAIT_POLICY=PASSIVE -- 1 0"
  "default-torch1 unset -- 1 0"
  "default-env1 unset -- 2 1"
)
[ -n "${SETTINGS:-}" ] && mapfile -t settings <<< "$SETTINGS"
jars="${JARS:-$root/trainer/target}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
for r in $(seq 1 "$rounds"); do
  for s in "${settings[@]}"; do
    read -r name rest <<< "$s"
    vars="${rest%% -- *}"; nums="${rest##* -- }"
    read -r torch envthreads <<< "$nums"
    cfg="$out/$name.yaml"
    sed -e "s/^run:\$/run:\n  threads: $envthreads/" -e "s/^train:\$/train:\n  torch_threads: $torch/" "$config" > "$cfg"
    env_args=(GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824)
    for v in $vars; do [ "$v" = unset ] || env_args+=("$v"); done
    d="$out/$name-r$r"; rm -rf "$d"
    # one run at a time across this machine's users (docs/BENCHMARKS.md): LOCK, default /tmp/build.lock
    flock "${LOCK:-/tmp/build.lock}" env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT ${env_args[@]} "$java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
      -cp "$jars/trainer.jar:$jars/lib/*" org.harvestsed.cli.Main train --config "$cfg" --out "$d" > "$d.log" 2>&1
    echo "$name r$r: $("$root/bench/medians.sh" "$d" | awk "NR == 1")"
  done
done
