"""CQRS + event sourcing pattern: accounts as an append-only event stream, projected into a read model."""
