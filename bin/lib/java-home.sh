# Sourced by the scripts in bin/: sets JAVA_HOME to a JDK 21 or newer, looking at JAVA_HOME,
# then `java` on the PATH, then /usr/lib/jvm/*; or explains what to install and exits.

lever_java_major() { # the feature version of the java executable $1, or 0
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1 || echo 0
}

lever_find_java_home() {
  local candidate on_path
  on_path="$(command -v java 2>/dev/null || true)"
  [[ -n "$on_path" ]] && on_path="$(dirname "$(dirname "$(readlink -f "$on_path")")")"
  for candidate in "${JAVA_HOME:-}" "$on_path" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate="${candidate%/}"
    if [[ -n "$candidate" && -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] \
       && (( $(lever_java_major "$candidate/bin/java") >= 21 )); then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME="$(lever_find_java_home)"; then
  echo "lever: needs a JDK 21 or newer; none found in JAVA_HOME, on the PATH or in /usr/lib/jvm." >&2
  echo "       Install one (e.g. Temurin 21 or 25) and point JAVA_HOME at it." >&2
  exit 1
fi
export JAVA_HOME
