#!/usr/bin/env bash
# Assembles a Spark home from the Spark jars Maven resolved (no Spark distribution is downloaded):
#   <project>/target/spark-home/jars/*.jar   symbolic links to the jars of target/provided-classpath.txt
#   <project>/target/spark-home/bin/spark-submit, bin/spark-class   launchers that run Spark's own launcher
#                                            (org.apache.spark.launcher.Main), as a Spark distribution's do
# target/provided-classpath.txt is written by `mvn package` (maven-dependency-plugin, Spark at provided scope).
# Prints the Spark home's path. Safe to run concurrently: the home is built in a temporary folder and renamed.
# Usage: deploy/local-cluster/spark-home.sh [PROJECT_DIR]
set -euo pipefail

project=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)
cp_file="$project/target/provided-classpath.txt"
home="$project/target/spark-home"
if [[ ! -s "$cp_file" ]]; then
  echo "spark-home: $cp_file is missing; build it with 'mvn -DskipTests package'" >&2
  exit 2
fi
# Up to date when it was built from the same class path by the same version of this script.
stamp="$(cat "$cp_file") $(cksum < "${BASH_SOURCE[0]}")"
if [[ -f "$home/stamp" && "$(cat "$home/stamp")" == "$stamp" ]]; then
  echo "$home"
  exit 0
fi

tmp=$(mktemp -d "$project/target/spark-home.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/jars" "$tmp/bin" "$tmp/conf"
IFS=: read -r -a jars < "$cp_file" || true
for j in "${jars[@]}"; do
  [[ -f "$j" ]] || { echo "spark-home: $j (listed in $cp_file) does not exist" >&2; exit 2; }
  ln -s "$j" "$tmp/jars/$(basename "$j")"
done
core=("$tmp"/jars/spark-core_2.12-*.jar)
if [[ ! -e "${core[0]}" ]]; then
  echo "spark-home: no spark-core_2.12 jar in $cp_file" >&2
  exit 2
fi
version=$(basename "${core[0]}" .jar)
version=${version#spark-core_2.12-}
echo "Spark $version (assembled by CycleLake's deploy/local-cluster/spark-home.sh from Maven's jars)" > "$tmp/RELEASE"

# bin/spark-class: what Spark's own script does. Spark's launcher prints the java command line (arguments
# separated by NUL), built from SPARK_HOME/jars, the driver memory and Spark's Java 17 --add-opens options.
cat > "$tmp/bin/spark-class" <<'SH'
#!/usr/bin/env bash
set -euo pipefail
export SPARK_HOME="${SPARK_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.12}"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The launcher prints its messages as lines, then a NUL line, then the command as NUL-terminated arguments and
# finally (added here) its exit status.
cmd=()
delim=$'\n'
started=false
while IFS= read -r -d "$delim" arg; do
  if [[ $started == true ]]; then
    cmd+=("$arg")
  elif [[ -z "$arg" ]]; then
    delim=''
    started=true
  else
    echo "$arg" >&2
  fi
done < <("$java_bin" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@"; printf '%d\0' $?)
status=${cmd[${#cmd[@]}-1]:-1}
unset 'cmd[${#cmd[@]}-1]'
if [[ "$status" != 0 || ${#cmd[@]} == 0 ]]; then
  echo "spark-class: Spark's launcher failed (exit $status)" >&2
  exit "${status/#0/1}"
fi
exec "${cmd[@]}"
SH
cat > "$tmp/bin/spark-submit" <<'SH'
#!/usr/bin/env bash
export SPARK_HOME="${SPARK_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
exec "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.SparkSubmit "$@"
SH
chmod +x "$tmp/bin/spark-class" "$tmp/bin/spark-submit"
printf '%s' "$stamp" > "$tmp/stamp"

# Replace the old home, if any, in two renames (a concurrent reader sees either home whole).
if [[ -d "$home" ]]; then
  old=$(mktemp -d "$project/target/spark-home.old.XXXXXX")
  mv "$home" "$old/home" 2>/dev/null || true
  mv -T "$tmp" "$home" 2>/dev/null || true
  rm -rf "$old"
else
  mv -T "$tmp" "$home" 2>/dev/null || true
fi
rm -rf "$tmp"
[[ -f "$home/stamp" ]] || { echo "spark-home: could not create $home" >&2; exit 2; }
echo "$home"
