#!/usr/bin/env bash
# CycleLake on Kubernetes with plain spark-submit (without the Spark Operator; for it see deploy/kubernetes/spark-apps).
#   K8S=https://api.example:6443 deploy/submit/kubernetes.sh features --conf /opt/cyclelake/conf/deploy/lake-s3.conf
# The jar and configuration are inside the image (deploy/kubernetes/Dockerfile), hence local:// and /opt/cyclelake
# paths. The driver pod runs spark-submit in client mode inside the image, so Spark's Java 17 options are added to
# driver and executors. GPU executors: IMAGE=...-cuda11.6 JAR=local:///opt/cyclelake/cyclelake-cuda.jar GPU=1: the
# executors announce GPU GPUs each, and cyclelake.gpu.enabled makes a sequence sweep's training stage alone ask for
# them (stage-level scheduling: no application-wide spark.task.resource.gpu.amount).
set -euo pipefail
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 installation}" "${K8S:?set K8S=https://<api server>:<port>}"
IMAGE=${IMAGE:-registry.example.com/cyclelake:0.1.0}
JAR=${JAR:-local:///opt/cyclelake/cyclelake.jar}
gpu=()
gpu_args=()
if [[ "${GPU:-0}" != 0 ]]; then
  gpu=(--conf "spark.executor.resource.gpu.amount=$GPU" --conf spark.executor.resource.gpu.vendor=nvidia.com
       --conf spark.executor.resource.gpu.discoveryScript=/opt/cyclelake/gpu/getGpusResources.sh
       --conf spark.kubernetes.executor.podTemplateFile=/opt/cyclelake/pod-templates/executor-gpu.yaml)
  gpu_args=(--set gpu.enabled=true)
fi

exec "$SPARK_HOME/bin/spark-submit" \
  --master "k8s://$K8S" --deploy-mode cluster \
  --class io.cyclelake.cli.CycleLake --name "cyclelake-$1" \
  --driver-memory 4g --executor-memory 4g --executor-cores 2 --num-executors "${EXECUTORS:-4}" \
  --conf spark.kubernetes.namespace=cyclelake \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=spark \
  --conf "spark.kubernetes.container.image=$IMAGE" \
  --conf spark.kubernetes.executor.podTemplateFile=/opt/cyclelake/pod-templates/executor-cpu.yaml \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  --conf spark.sql.session.timeZone=UTC \
  --conf spark.eventLog.enabled=true --conf spark.eventLog.dir=s3a://battery-lake/spark-events \
  "${gpu[@]}" \
  "$JAR" "$@" "${gpu_args[@]}"
