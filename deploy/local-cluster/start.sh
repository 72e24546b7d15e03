#!/usr/bin/env bash
# Starts a Spark standalone cluster on 127.0.0.1: one master and N workers (default 2), each its own JVM, run
# from the Spark home that spark-home.sh assembles under target/ from the jars Maven resolved.
#
#   deploy/local-cluster/start.sh RUN_DIR      # prints the master URL; details in RUN_DIR/cluster.env
#   deploy/local-cluster/stop.sh RUN_DIR       # stops the daemons and every executor or driver they started
#
# Every port is chosen by the operating system when the daemon binds it (port 0), and every file the cluster
# writes (logs, worker and local dirs, pid files, event logs) is under RUN_DIR, so two clusters started with
# different RUN_DIRs cannot collide. If any step fails, what was started is stopped again before exiting.
#
# Settings (environment): CLUSTER_WORKERS (2), CLUSTER_WORKER_CORES (1), CLUSTER_WORKER_MEMORY (1g: what a worker
# offers to executors and drivers), CLUSTER_DAEMON_MEMORY (256m: heap of the master and worker JVMs themselves),
# CLUSTER_DAEMON_JAVA_OPTS (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC: the daemons are small, quick JIT and GC
# keep their CPU low on a 2-core machine), CLUSTER_START_TIMEOUT (seconds, 120).
# GPUs: CLUSTER_WORKER_GPUS (0) = GPUs each worker offers to executors (spark.worker.resource.gpu.amount), found by
# CLUSTER_GPU_DISCOVERY_SCRIPT (spark.worker.resource.gpu.discoveryScript; default fake-gpus.sh beside this script,
# which announces FAKE_GPUS = CLUSTER_WORKER_GPUS addresses 0..n-1 on a CPU-only machine; use
# deploy/gpu/getGpusResources.sh on a real GPU host). CLUSTER_WORKER_OPTS: further -Dspark.worker.* options of the
# workers (SPARK_WORKER_OPTS).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# -eq 1 ]] || { echo "usage: $0 RUN_DIR" >&2; exit 2; }
mkdir -p "$1"
run=$(cd "$1" && pwd)
workers=${CLUSTER_WORKERS:-2}
cores=${CLUSTER_WORKER_CORES:-1}
memory=${CLUSTER_WORKER_MEMORY:-1g}
timeout=${CLUSTER_START_TIMEOUT:-120}

if [[ -e "$run/pids" ]] && compgen -G "$run/pids/*.pid" > /dev/null; then
  echo "local-cluster: $run already holds a cluster (pid files in $run/pids); stop it with stop.sh first" >&2
  exit 2
fi

failed() {
  local status=$?
  echo "local-cluster: start failed (exit $status); stopping what was started. Logs: $run/logs" >&2
  "$here/stop.sh" "$run" >&2 || true
  exit "$status"
}
trap failed ERR INT TERM

spark_home=$("$here/spark-home.sh")
mkdir -p "$run/logs" "$run/pids" "$run/work" "$run/local" "$run/events"

export SPARK_HOME="$spark_home"
export SPARK_SCALA_VERSION=2.12
export SPARK_LOCAL_IP=127.0.0.1
export SPARK_LOCAL_DIRS="$run/local"
export SPARK_DAEMON_MEMORY=${CLUSTER_DAEMON_MEMORY:-256m}
# Marks every daemon's command line with the run directory: stop.sh checks it before killing a pid.
export SPARK_DAEMON_JAVA_OPTS="${CLUSTER_DAEMON_JAVA_OPTS--XX:TieredStopAtLevel=1 -XX:+UseSerialGC} -Dcyclelake.local-cluster=$run"
gpus=${CLUSTER_WORKER_GPUS:-0}
[[ "$gpus" =~ ^[0-9]+$ ]] || { echo "local-cluster: CLUSTER_WORKER_GPUS must be a number, got '$gpus'" >&2; exit 2; }
gpu_script=${CLUSTER_GPU_DISCOVERY_SCRIPT:-$here/fake-gpus.sh}
worker_opts=${CLUSTER_WORKER_OPTS:-}
if (( gpus > 0 )); then
  [[ -x "$gpu_script" ]] || { echo "local-cluster: GPU discovery script $gpu_script is not executable" >&2; exit 2; }
  export FAKE_GPUS=$gpus
  worker_opts="-Dspark.worker.resource.gpu.amount=$gpus -Dspark.worker.resource.gpu.discoveryScript=$gpu_script $worker_opts"
fi
# Spark's launcher adds SPARK_WORKER_OPTS to the command line of org.apache.spark.deploy.worker.Worker only.
export SPARK_WORKER_OPTS="$worker_opts"

# Starts "$@" in a new session (its own process group, which its executors and drivers inherit) and records its pid.
daemon() {
  local name=$1
  shift
  setsid "$@" > "$run/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$run/pids/$name.pid"
}

# Waits until the log of $1 matches $2 at least $3 times; fails if the daemon died or after the timeout.
await() {
  local name=$1 pattern=$2 count=$3 waited=0
  while (( $(grep -c -E "$pattern" "$run/logs/$name.log" || true) < count )); do
    if ! kill -0 "$(cat "$run/pids/$name.pid")" 2> /dev/null; then
      echo "local-cluster: $name exited while starting; last lines of $run/logs/$name.log:" >&2
      tail -n 20 "$run/logs/$name.log" >&2
      return 1
    fi
    if (( waited >= timeout * 5 )); then
      echo "local-cluster: no '$pattern' in $run/logs/$name.log after ${timeout}s" >&2
      return 1
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
}

daemon master "$spark_home/bin/spark-class" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port 0 --webui-port 0
await master 'Starting Spark master at spark://' 1
master_url=$(grep -o -E 'Starting Spark master at spark://[^ ]+' "$run/logs/master.log" | head -n 1 | sed 's/.* at //')
await master 'started at http://' 1
master_ui=$(grep -o -E 'started at http://[^ ]+' "$run/logs/master.log" | head -n 1 | sed 's/.* at //')

for i in $(seq 1 "$workers"); do
  mkdir -p "$run/work/worker-$i"
  SPARK_WORKER_DIR="$run/work/worker-$i" daemon "worker-$i" "$spark_home/bin/spark-class" \
    org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 --webui-port 0 \
    --cores "$cores" --memory "$memory" --work-dir "$run/work/worker-$i" "$master_url"
done
await master 'Registering worker ' "$workers"

cat > "$run/cluster.env" <<ENV
# Written by deploy/local-cluster/start.sh; source it to submit to this cluster.
SPARK_HOME=$spark_home
SPARK_SCALA_VERSION=2.12
SPARK_LOCAL_IP=127.0.0.1
MASTER_URL=$master_url
MASTER_WEBUI_URL=$master_ui
CLUSTER_WORKERS=$workers
CLUSTER_WORKER_CORES=$cores
CLUSTER_WORKER_MEMORY=$memory
CLUSTER_WORKER_GPUS=$gpus
EVENT_LOG_DIR=$run/events
RUN_DIR=$run
ENV
trap - ERR INT TERM
echo "$master_url"
