#!/usr/bin/env bash
# Installs the CycleLake Jupyter kernel ("cyclelake": Java cells run by JShell inside the application's JVM, with the
# lake, Spark and io.cyclelake.notebook.* on the classpath) as a Jupyter kernel spec.
#
#   notebooks/install-kernel.sh                 # for this user (~/.local/share/jupyter/kernels/cyclelake)
#   notebooks/install-kernel.sh --prefix DIR    # into DIR/share/jupyter/kernels/cyclelake (then JUPYTER_PATH=DIR/share/jupyter)
#   notebooks/install-kernel.sh --sys-prefix    # into the Python environment Jupyter runs in
#
# Needs Jupyter (Debian: apt-get install jupyter-nbconvert python3-nbconvert jupyter-client python3-ipykernel; add
# jupyter-notebook or python3-notebook to edit notebooks in a browser). The kernel runs through jobs/cyclelake, so it
# uses the application jar (built here when it is missing or older than the sources), conf/cyclelake.conf and the
# launcher's environment: CYCLELAKE_DRIVER_MEMORY (heap, default 4g), CYCLELAKE_JAVA_OPTS (extra JVM options, e.g.
# -Dspark.master=local[2]).
set -euo pipefail

home=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
where=(--user)
name=cyclelake
while [[ $# -gt 0 ]]; do
  case "$1" in
    --user) where=(--user); shift ;;
    --sys-prefix) where=(--sys-prefix); shift ;;
    --prefix) [[ $# -ge 2 ]] || { echo "install-kernel: --prefix needs a directory" >&2; exit 2; }
              where=(--prefix "$2"); shift 2 ;;
    --name) [[ $# -ge 2 ]] || { echo "install-kernel: --name needs a name" >&2; exit 2; }
            name=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-kernel: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if ! command -v jupyter >/dev/null 2>&1 || ! jupyter kernelspec --version >/dev/null 2>&1; then
  echo "install-kernel: 'jupyter kernelspec' not found; on Debian: apt-get install jupyter-nbconvert python3-nbconvert" \
    "jupyter-client python3-ipykernel" >&2
  exit 3
fi

# Build the application jar now (the launcher does it when needed), not during Jupyter's first kernel start.
"$home/jobs/cyclelake" --version >/dev/null

spec=$(mktemp -d)
trap 'rm -rf "$spec"' EXIT
python3 - "$home/jobs/cyclelake" "$spec/kernel.json" <<'PY'
import json, sys
launcher, out = sys.argv[1], sys.argv[2]
json.dump({
    "argv": [launcher, "notebook-kernel", "{connection_file}"],
    "display_name": "CycleLake (Java 17)",
    "language": "java",
    # an interrupt is a message: a SIGINT would end the JVM and the session with it
    "interrupt_mode": "message",
}, open(out, "w"), indent=2)
PY
jupyter kernelspec install --replace --name "$name" "${where[@]}" "$spec" >&2
echo "install-kernel: kernel '$name' runs $home/jobs/cyclelake notebook-kernel"
