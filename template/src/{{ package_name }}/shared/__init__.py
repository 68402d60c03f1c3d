"""Pieces every pattern of the service shares: observability, settings and errors."""
