#!/usr/bin/env bash
# CycleLake on YARN (Hadoop 3 cluster with Spark 3.5.x / Scala 2.12 and Java 17 on the node managers).
#   HADOOP_CONF_DIR=/etc/hadoop/conf deploy/submit/yarn.sh sweep --conf conf/sweeps/nasa-loco.conf
# Cluster mode: the driver runs in the application master; --conf files named after the command are resolved there,
# so ship them with --files and name them by their base name (done below for one sweep conf), or use --set.
# YARN and Java 17: JAVA_HOME of the containers must point at a Java 17 (spark.yarn.appMasterEnv.JAVA_HOME and
# spark.executorEnv.JAVA_HOME when the node managers default to an older Java). spark-submit adds Spark's
# --add-opens options to the YARN driver and executors itself.
# Kerberos: PRINCIPAL and KEYTAB let Spark renew delegation tokens for long sweeps.
set -euo pipefail
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 installation}" "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR}"
JAR=${JAR:-target/cyclelake.jar}
LAKE=${LAKE:-hdfs:///data/cyclelake/lake}
JAVA17=${JAVA17:-/usr/lib/jvm/java-17-openjdk-amd64}
kerberos=()
[[ -n "${PRINCIPAL:-}" ]] && kerberos=(--principal "$PRINCIPAL" --keytab "${KEYTAB:?KEYTAB with PRINCIPAL}")

exec "$SPARK_HOME/bin/spark-submit" \
  --master yarn --deploy-mode "${DEPLOY_MODE:-cluster}" "${kerberos[@]}" \
  --class io.cyclelake.cli.CycleLake --name "cyclelake-$1" --queue "${QUEUE:-default}" \
  --driver-memory 4g --executor-memory 6g --conf spark.executor.memoryOverhead=2g \
  --executor-cores 2 --num-executors "${EXECUTORS:-4}" \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  --conf spark.sql.session.timeZone=UTC \
  --conf spark.eventLog.enabled=true --conf spark.eventLog.dir=hdfs:///spark-history \
  --conf spark.yarn.historyServer.address="${HISTORY:-historyserver:18080}" \
  --conf "spark.yarn.appMasterEnv.JAVA_HOME=$JAVA17" --conf "spark.executorEnv.JAVA_HOME=$JAVA17" \
  --files conf/sweeps/nasa-loco.conf \
  "$JAR" "$@" --lake "$LAKE"
