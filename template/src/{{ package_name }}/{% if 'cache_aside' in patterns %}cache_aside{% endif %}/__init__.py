"""Cache-aside pattern: products in DynamoDB, read through a Valkey cache."""
