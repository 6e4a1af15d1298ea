# Shared by the scripts in bin/: finds a JDK >= 22 and Maven, or says clearly what is missing.
# The library runs on Java 21, but the build needs 22: udpnet-native uses the FFM API, final from JDK 22.
# Sourced, not run. Sets UDPNET_ROOT, JAVA_HOME and JAVA.

UDPNET_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
UDPNET_MIN_JAVA=22

# Prints the feature version (17, 21, 25, ...) of the java binary given, or nothing.
udpnet_java_version() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

udpnet_find_java() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  # Newest first, so that a machine with several JDKs uses the best one.
  for c in $(ls -d /usr/lib/jvm/*/ /opt/java/*/ /opt/*jdk*/ 2>/dev/null | sort -rV); do candidates+=("${c%/}"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(udpnet_java_version "$c/bin/java")
    if [ -n "$v" ] && [ "$v" -ge "$UDPNET_MIN_JAVA" ]; then
      export JAVA_HOME="$c"
      JAVA="$c/bin/java"
      return 0
    fi
  done
  echo "udpnet: building needs a JDK $UDPNET_MIN_JAVA or newer (javac included; the native I/O module uses the FFM API, final from JDK 22); none found in JAVA_HOME, on the PATH or under /usr/lib/jvm." >&2
  echo "udpnet: install one (e.g. 'apt-get install openjdk-25-jdk-headless' where available, or a Temurin JDK) or set JAVA_HOME to it. The built library itself runs on Java 21." >&2
  return 1
}

udpnet_find_maven() {
  # Maven's own libraries call sun.misc.Unsafe, which JDK 24+ warns about on every run; the flag does not exist
  # before JDK 23, so it is only added where it is understood.
  if [ "$(udpnet_java_version "$JAVA")" -ge 24 ] && [[ "${MAVEN_OPTS:-}" != *sun-misc-unsafe* ]]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
  if command -v mvn >/dev/null 2>&1; then MVN=mvn; return 0; fi
  echo "udpnet: needs Apache Maven 3.8+ ('apt-get install maven')." >&2
  return 1
}
