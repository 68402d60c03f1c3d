"""Data lake: ingestion into the raw zone, an ETL job into the curated zone, queries through Athena."""
