"""Batch processing: a scheduled Step Functions Distributed Map summarises every sales file under a prefix."""
