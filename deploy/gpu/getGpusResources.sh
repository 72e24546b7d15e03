#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript, spark.driver.resource.gpu.discoveryScript):
# prints the GPUs this executor may use as Spark's ResourceInformation JSON, e.g.
#   {"name": "gpu", "addresses": ["0", "1"]}
# Inside a Kubernetes pod that requested nvidia.com/gpu, nvidia-smi lists exactly the GPUs assigned to the pod.
set -euo pipefail
if ! command -v nvidia-smi > /dev/null; then
  echo "getGpusResources.sh: nvidia-smi not found; is this a GPU node with the NVIDIA driver and container toolkit?" >&2
  exit 1
fi
ids=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed -e 's/ //g' -e 's/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${ids}]}"
