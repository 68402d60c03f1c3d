"""Errors the domain raises; each maps to one HTTP status in shared/http.py."""


class ServiceError(Exception):
    """Base class for errors the service reports to its callers."""


class ValidationError(ServiceError):
    """The request is malformed or breaks a rule of the domain (HTTP 400)."""


class NotFoundError(ServiceError):
    """The addressed resource does not exist (HTTP 404)."""


class ConflictError(ServiceError):
    """The request conflicts with the current state, e.g. a stale version (HTTP 409)."""


class ConfigurationError(RuntimeError):
    """The function is deployed without a setting it needs."""
