"""The local Spark target: one in-process Spark session (dbt-spark's `session` method) with
a warehouse directory and a Derby metastore under .storytime/spark (git-ignored), and a
loader that writes the app's source tables there as Parquet tables (usage_events
partitioned by its UTC day). Needs the .venv-spark environment (make test-spark).

dbt-spark's session method calls SparkSession.builder.getOrCreate(): in one Python process
the session made here is the one dbt uses, so the JVM starts once per process."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from . import PROJECT_DIR

TABLE_TYPES = {
    "publishers": {"id": "bigint", "name": "string", "created_at": "timestamp"},
    "books": {
        "id": "bigint",
        "publisher_id": "bigint",
        "title": "string",
        "created_at": "timestamp",
    },
    "video_assets": {
        "id": "bigint",
        "book_id": "bigint",
        "duration_seconds": "int",
        "created_at": "timestamp",
    },
    "users": {"id": "bigint", "created_at": "timestamp"},
    "child_profiles": {"id": "bigint", "user_id": "bigint", "created_at": "timestamp"},
    "usage_events": {
        "id": "bigint",
        "child_profile_id": "bigint",
        "book_id": "bigint",
        "event_type": "string",
        "position_seconds": "int",
        "occurred_at": "timestamp",
        "created_at": "timestamp",
        "metadata": "string",
    },
}
# usage_events is stored partitioned by this column (the UTC day of occurred_at).
EVENT_PARTITION = "occurred_date"


def spark_dir() -> Path:
    return Path(os.environ.get("STORYTIME_SPARK_DIR", PROJECT_DIR / ".storytime" / "spark"))


def spark_conf(base: Path | None = None) -> dict[str, str]:
    """The session's settings; profiles.yml.example's `spark` target sets the same ones."""
    base = (base or spark_dir()).resolve()
    return {
        "spark.master": os.environ.get("STORYTIME_SPARK_MASTER", "local[2]"),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.warehouse.dir": str(base / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={base / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={base}",
        "spark.driver.memory": os.environ.get("STORYTIME_SPARK_DRIVER_MEMORY", "2g"),
        "spark.sql.shuffle.partitions": os.environ.get("STORYTIME_SPARK_SHUFFLE_PARTITIONS", "4"),
        "spark.ui.enabled": "false",
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
    }


def dbt_env(base: Path | None = None) -> dict[str, str]:
    """What profiles.yml's `spark` target reads. The target itself is chosen with
    --target spark, never through STORYTIME_TARGET: dbt_invoke exports the environment
    into this process, and a later PostgreSQL run in it must not pick Spark up."""
    return {"STORYTIME_SPARK_DIR": str((base or spark_dir()).resolve())}


def session(base: Path | None = None):
    """The process's Spark session (created with spark_conf on first use)."""
    from pyspark.sql import SparkSession

    base = (base or spark_dir()).resolve()
    base.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.appName("storytime-analytics").enableHiveSupport()
    for key, value in spark_conf(base).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _schema(table: str):
    from pyspark.sql import types as T

    kinds = {
        "bigint": T.LongType(),
        "int": T.IntegerType(),
        "string": T.StringType(),
        "timestamp": T.TimestampType(),
    }
    return T.StructType(
        [T.StructField(name, kinds[kind], True) for name, kind in TABLE_TYPES[table].items()]
    )


def _write(spark, frame, schema: str, table: str, mode: str) -> None:
    from pyspark.sql import functions as F

    writer_frame = frame
    if table == "usage_events":
        writer_frame = frame.withColumn(EVENT_PARTITION, F.to_date("occurred_at"))
    writer = writer_frame.write.format("parquet").mode(mode)
    if table == "usage_events":
        writer = writer.partitionBy(EVENT_PARTITION)
    spark.sql(f"create database if not exists `{schema}`")
    writer.saveAsTable(f"`{schema}`.`{table}`")


def load_rows(spark, tables: dict[str, list[dict]], schema: str = "public") -> None:
    """Replace the source tables with these rows (dicts in the source's column names;
    missing columns are null). Every table of TABLE_TYPES is written, empty or not."""
    for table, columns in TABLE_TYPES.items():
        rows = tables.get(table) or []
        values = [tuple(_value(row.get(c)) for c in columns) for row in rows]
        frame = spark.createDataFrame(values, _schema(table))
        _write(spark, frame, schema, table, "overwrite")


def _value(value):
    if isinstance(value, dict | list):
        import json

        return json.dumps(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def load_from_postgres(
    spark, conn, pg_schema: str = "public", schema: str = "public", tables=None
) -> dict:
    """Copy the source tables from PostgreSQL (a psycopg connection) into the Spark
    warehouse: COPY to CSV (timestamps as epoch microseconds), read back with the schema,
    written as Parquet. Returns the row count per table."""
    from pyspark.sql import functions as F

    counts = {}
    with tempfile.TemporaryDirectory(prefix="storytime-spark-load-") as tmp:
        for table, columns in TABLE_TYPES.items():
            if tables is not None and table not in tables:
                continue
            exprs = [
                f"(extract(epoch from {c}) * 1000000)::bigint"
                if kind == "timestamp"
                else f"{c}::text"
                if c == "metadata"
                else c
                for c, kind in columns.items()
            ]
            path = Path(tmp) / f"{table}.csv"
            query = (
                f"copy (select {', '.join(exprs)} from {pg_schema}.{table}) to stdout (format csv)"
            )
            with conn.cursor() as cur, open(path, "wb") as out:
                with cur.copy(query) as copy:
                    for block in copy:
                        out.write(block)
                counts[table] = cur.rowcount
            read_types = ", ".join(
                f"`{c}` {'bigint' if kind == 'timestamp' else kind}" for c, kind in columns.items()
            )
            frame = spark.read.csv(str(path), schema=read_types, multiLine=True, escape='"')
            for c, kind in columns.items():
                if kind == "timestamp":
                    frame = frame.withColumn(c, F.expr(f"timestamp_micros(`{c}`)"))
            _write(spark, frame, schema, table, "overwrite")
    return counts


class SparkTarget:
    """What dbt_invoke.invoke needs to run dbt against the `spark` profile target."""

    embedded = False

    def __init__(self, base: Path | None = None, schema: str | None = None):
        self.base = (base or spark_dir()).resolve()
        self.schema = schema

    def env(self) -> dict[str, str]:
        env = dbt_env(self.base)
        if self.schema:
            env["STORYTIME_SCHEMA"] = self.schema
        return env

    def args(self) -> list[str]:
        """Spark gets its own target path: partial parsing is per target."""
        path = os.environ.get("STORYTIME_SPARK_TARGET_PATH", str(PROJECT_DIR / "target" / "spark"))
        return ["--target", "spark", "--target-path", path]


def invoke(args: list[str], dbt_vars: dict | None = None, base: Path | None = None):
    """One dbt command on the spark target (same error handling as on PostgreSQL)."""
    from . import dbt_invoke

    target = SparkTarget(base)
    return dbt_invoke.invoke(target, [*args, *target.args()], dbt_vars=dbt_vars, quiet=True)


def rows(spark, relation: str) -> list[dict]:
    """All rows of a relation as dicts; timestamps as aware UTC datetimes (pyspark returns
    naive ones in the Python process's local time)."""
    out = []
    for row in spark.table(relation).collect():
        values = row.asDict()
        for key, value in values.items():
            if isinstance(value, dt.datetime) and value.tzinfo is None:
                values[key] = value.astimezone(dt.timezone.utc)
        out.append(values)
    return out


def register_spark(sub) -> None:
    """`storytime-analytics spark load|build` (needs .venv-spark: make test-spark)."""
    p = sub.add_parser("spark", help="the local Spark target: load the source tables, run dbt")
    actions = p.add_subparsers(dest="spark_command", required=True, metavar="ACTION")
    load = actions.add_parser("load", help="copy the source tables from PostgreSQL to Spark")
    load.set_defaults(handler=_run_load)
    build = actions.add_parser("build", help="dbt build on the spark target")
    build.add_argument("--date", help="one date (YYYY-MM-DD)")
    build.add_argument("--start", help="first date of a range")
    build.add_argument("--end", help="last date of a range")
    build.add_argument("--no-tests", action="store_true", help="no data tests")
    build.set_defaults(handler=_run_build)


def _run_load(args) -> int:
    import time

    from . import db

    began = time.monotonic()
    spark = session()
    with db.resolve().connect() as conn:
        counts = load_from_postgres(spark, conn)
    print(", ".join(f"{k}={v}" for k, v in counts.items()), f"({time.monotonic() - began:.1f} s)")
    return 0


def _run_build(args) -> int:
    import time

    from .errors import StorytimeError

    if args.date and (args.start or args.end):
        raise StorytimeError("give --date or --start/--end, not both")
    dbt_vars = None
    if args.date:
        dbt_vars = {"date": args.date}
    elif args.start or args.end:
        dbt_vars = {"start_date": args.start, "end_date": args.end or args.start}
    began = time.monotonic()
    session()
    excluded = ["resource_type:unit_test"] + (["resource_type:test"] if args.no_tests else [])
    invoke(["build", "--exclude", *excluded], dbt_vars)
    print(f"spark build done in {time.monotonic() - began:.1f} s")
    return 0
