#!/usr/bin/env bash
# Sourced by ./harvest and ci/test: sets JAVA_HOME to a JDK >= 25 or explains how to get one.
# Order: $JAVA_HOME, then every JDK under /usr/lib/jvm and /opt, then the java on PATH.
harvest_jdk_major() { # prints the major version of the JDK at $1, or nothing
  local v
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  printf '%s' "${v%%.*}"
}
harvest_find_jdk() {
  local cand major
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /opt/jdk* "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$cand" ] && [ -d "$cand" ] || continue
    major=$(harvest_jdk_major "$cand")
    if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$cand"
      return 0
    fi
  done
  echo "harvest: no JDK >= 25 found (looked at \$JAVA_HOME, /usr/lib/jvm/*, /opt and the java on PATH)." >&2
  echo "harvest: install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
