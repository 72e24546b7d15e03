#!/usr/bin/env bash
# Stops the cluster that start.sh started in RUN_DIR: each daemon's whole process group (the master, the workers and
# the executors and drivers the workers launched), first with SIGTERM, then SIGKILL for what is left after 15 s.
# Safe to call twice, after a failed start, or when nothing was started. Kills only processes whose command line
# or working directory refers to RUN_DIR. Usage: deploy/local-cluster/stop.sh RUN_DIR
set -uo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 RUN_DIR" >&2; exit 2; }
[[ -d "$1" ]] || exit 0
run=$(cd "$1" && pwd)
[[ -d "$run/pids" ]] || exit 0

# The pids of process group $1 that belong to this run.
members() {
  local pgid=$1 p
  for p in $(pgrep -g "$pgid" 2> /dev/null); do
    if { tr '\0' ' ' < "/proc/$p/cmdline"; } 2> /dev/null | grep -qF -- "$run" \
        || [[ "$(readlink "/proc/$p/cwd" 2> /dev/null)" == "$run"* ]]; then
      echo "$p"
    fi
  done
}

groups=()
for f in "$run"/pids/*.pid; do
  [[ -f "$f" ]] || continue
  groups+=("$(cat "$f")")
done

pids() {
  local g
  for g in "${groups[@]}"; do members "$g"; done
}

targets=$(pids)
[[ -z "$targets" ]] || kill -TERM $targets 2> /dev/null
for _ in $(seq 1 75); do
  targets=$(pids)
  [[ -n "$targets" ]] || break
  sleep 0.2
done
targets=$(pids)
if [[ -n "$targets" ]]; then
  echo "local-cluster: killing $(echo $targets | wc -w) processes that did not stop after SIGTERM" >&2
  kill -KILL $targets 2> /dev/null
fi
rm -f "$run"/pids/*.pid
exit 0
