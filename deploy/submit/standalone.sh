#!/usr/bin/env bash
# CycleLake on a Spark standalone cluster (Spark 3.5.x, Scala 2.12, Java 17 on every node).
#   MASTER=spark://master:7077 LAKE=hdfs:///data/cyclelake/lake deploy/submit/standalone.sh features
# Client mode (default): the driver runs here; cluster mode (DEPLOY_MODE=cluster): a worker runs it, and then the jar
# and any --conf file must be readable at the same path on the workers. A standalone cluster-mode driver does NOT
# get Spark's Java 17 --add-opens options from spark-submit (it fails with IllegalAccessError on
# sun.nio.ch.DirectBuffer): they are passed below as spark.driver.extraJavaOptions (`jobs/cyclelake --submit` does
# the same). Proven by LocalClusterIT on a master and two workers (deploy/local-cluster).
set -euo pipefail
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 installation}" "${MASTER:?set MASTER=spark://host:7077}"
JAR=${JAR:-target/cyclelake.jar}
LAKE=${LAKE:-hdfs:///data/cyclelake/lake}
EVENTS=${EVENTS:-hdfs:///spark-events}
OPENS="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"

exec "$SPARK_HOME/bin/spark-submit" \
  --master "$MASTER" --deploy-mode "${DEPLOY_MODE:-client}" \
  --class io.cyclelake.cli.CycleLake --name "cyclelake-$1" \
  --driver-memory 4g --executor-memory 4g --executor-cores 2 --total-executor-cores 8 \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  --conf spark.sql.session.timeZone=UTC \
  --conf spark.eventLog.enabled=true --conf "spark.eventLog.dir=$EVENTS" \
  --conf "spark.driver.extraJavaOptions=$OPENS" \
  --conf spark.standalone.submit.waitAppCompletion=true \
  "$JAR" "$@" --lake "$LAKE"
