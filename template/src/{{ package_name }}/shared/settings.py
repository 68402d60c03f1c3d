"""Settings read from the environment that the infrastructure gives each function."""

import os

from .errors import ConfigurationError


def required_env(name: str) -> str:
    """Return the environment variable `name`, or fail with a message that names it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(
            f"Environment variable {name} is not set; the infrastructure template sets it "
            "for deployed functions, and tests set it in tests/conftest.py."
        )
    return value
