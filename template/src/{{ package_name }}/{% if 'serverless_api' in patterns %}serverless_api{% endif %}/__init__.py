"""Serverless API pattern: an HTTP API over Lambda, storing items in DynamoDB."""
