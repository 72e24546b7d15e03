#!/usr/bin/env bash
# A stand-in GPU discovery script for CPU-only test clusters (spark.worker.resource.gpu.discoveryScript): announces
# FAKE_GPUS (default 2) GPUs with addresses 0 .. FAKE_GPUS-1 in Spark's ResourceInformation JSON, e.g.
#   {"name":"gpu","addresses":["0","1"]}
# Nothing is checked: the "GPUs" only exist for Spark's scheduler, so that a test can prove which task got which
# address. Real clusters use deploy/gpu/getGpusResources.sh (nvidia-smi).
set -euo pipefail
n=${FAKE_GPUS:-2}
[[ "$n" =~ ^[0-9]+$ ]] || { echo "fake-gpus.sh: FAKE_GPUS must be a number, got '$n'" >&2; exit 1; }
addresses=""
for ((i = 0; i < n; i++)); do addresses+="${addresses:+,}\"$i\""; done
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
