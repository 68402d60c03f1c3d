from typing import Any

import pytest

from infra.synth import cloudformation_template


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    """The deployable CloudFormation, built once per test session."""
    return cloudformation_template()
