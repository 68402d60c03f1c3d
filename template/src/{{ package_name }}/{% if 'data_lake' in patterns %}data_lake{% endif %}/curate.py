"""The Glue ETL job: validated order records (JSON Lines) -> curated, partitioned Parquet.

The transform is plain Python (`curated_row`), tested on a laptop without Spark. `main()` is
the thin Spark wrapper that AWS Glue runs: it reads what the job bookmark has not seen yet
under `validated/`, applies the transform, drops duplicate order ids and appends Parquet
partitioned by `order_date`. Athena finds new partitions through partition projection, so
no crawler or MSCK REPAIR is needed. Run it in AWS Glue (see README), or locally with the
AWS Glue container image.
"""

# Spark and the Glue libraries exist only on AWS Glue, so main() imports them when it runs there.
# ruff: noqa: PLC0415

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

# Column name -> Glue/Athena type, in table order; the infrastructure declares the same.
CURATED_COLUMNS = {
    "order_id": "string",
    "customer_id": "string",
    "amount": "decimal(12,2)",
    "currency": "string",
    "ordered_at": "timestamp",
}
PARTITION_COLUMN = "order_date"

CuratedRow = tuple[str, str, Decimal, str, datetime, str]


def curated_row(record: Mapping[str, Any]) -> CuratedRow:
    """One validated record as a curated row: typed values, UTC time, and its partition."""
    ordered_at = datetime.fromisoformat(str(record["ordered_at"])).astimezone(UTC)
    return (
        str(record["order_id"]),
        str(record["customer_id"]),
        Decimal(str(record["amount"])).quantize(Decimal("0.01")),
        str(record["currency"]),
        ordered_at,
        ordered_at.date().isoformat(),
    )


def main() -> None:  # runs on AWS Glue, where awsglue and pyspark exist
    import sys

    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext
    from pyspark.sql import types

    args = getResolvedOptions(sys.argv, ["JOB_NAME", "source_path", "target_path"])
    glue = GlueContext(SparkContext.getOrCreate())
    job = Job(glue)
    job.init(args["JOB_NAME"], args)
    validated = glue.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [args["source_path"]], "recurse": True},
        format="json",
        transformation_ctx="validated",  # the job bookmark's name: each file is read once
    )
    schema = types.StructType(
        [
            types.StructField("order_id", types.StringType(), nullable=False),
            types.StructField("customer_id", types.StringType(), nullable=False),
            types.StructField("amount", types.DecimalType(12, 2), nullable=False),
            types.StructField("currency", types.StringType(), nullable=False),
            types.StructField("ordered_at", types.TimestampType(), nullable=False),
            types.StructField(PARTITION_COLUMN, types.StringType(), nullable=False),
        ]
    )
    rows = validated.toDF().rdd.map(lambda row: curated_row(row.asDict()))
    curated = glue.spark_session.createDataFrame(rows, schema).dropDuplicates(["order_id"])
    curated.write.mode("append").partitionBy(PARTITION_COLUMN).parquet(args["target_path"])
    job.commit()


if __name__ == "__main__":
    main()
