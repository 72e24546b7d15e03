"""Nightly CycleLake reprocessing from Airflow (2.x, apache-airflow-providers-apache-spark).

`cyclelake reprocess` ingests what is new or changed in every input of `cyclelake.ingest.inputs` and then computes
the missing features. It is safe to schedule: a run with nothing new exits 0 and writes nothing, a failure exits
non-zero with a message (the task fails and Airflow retries it), and a rerun after a failure picks up where the
lake stands (files whose rows were not committed are read again). `max_active_runs=1` keeps two runs from
overlapping; Delta's optimistic concurrency keeps the tables whole even if they did.

The Airflow connection `spark_cyclelake` holds the master (spark://..., yarn or k8s://...) and deploy mode.
After reprocessing, a sweep and the reports follow on the fresh features.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = "/opt/cyclelake/cyclelake.jar"
LAKE_CONF = "/opt/cyclelake/conf/deploy/lake-s3.conf"
SPARK_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.sql.session.timeZone": "UTC",
    "spark.eventLog.enabled": "true",
    "spark.eventLog.dir": "s3a://battery-lake/spark-events",
}


def cyclelake(task_id, args, **resources):
    return SparkSubmitOperator(
        task_id=task_id,
        conn_id="spark_cyclelake",
        application=JAR,
        java_class="io.cyclelake.cli.CycleLake",
        name=f"cyclelake-{task_id}",
        application_args=args,
        conf=SPARK_CONF,
        driver_memory=resources.get("driver_memory", "2g"),
        executor_memory=resources.get("executor_memory", "4g"),
        executor_cores=resources.get("executor_cores", 2),
        num_executors=resources.get("num_executors", 2),
    )


with DAG(
    dag_id="cyclelake_reprocess",
    start_date=datetime(2026, 1, 1),
    schedule="30 2 * * *",
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
    tags=["cyclelake", "battery"],
) as dag:
    reprocess = cyclelake("reprocess", [
        "reprocess", "--conf", LAKE_CONF,
        "--set", 'ingest.inputs=[{source=nasa, path="/data/raw/nasa-pcoe"}, {source=arbin, path="/data/raw/calce-cs2"}]',
    ])
    sweep = cyclelake("sweep", [
        "sweep", "--conf", "/opt/cyclelake/conf/sweeps/nasa-loco.conf", "--conf", LAKE_CONF,
    ], driver_memory="4g", num_executors=4)
    report = cyclelake("report", ["report", "--conf", LAKE_CONF], num_executors=1)

    reprocess >> sweep >> report
