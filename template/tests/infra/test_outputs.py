"""Every stack output the cloud tests read is declared by the project's CloudFormation, by name.

The cloud tests (tests/cloud) find a deployed stage's resources through its outputs, and
tests/cloud/outputs.py names each output they read. A missing or renamed output would only
fail against a deployed stage; this fails offline, on the template that deploys.
"""

from typing import Any

import pytest

from tests.cloud import outputs

READ = sorted(
    value for name, value in vars(outputs).items() if name.isupper() and isinstance(value, str)
)


def test_the_cloud_tests_read_outputs() -> None:
    assert READ, "tests/cloud/outputs.py names the outputs the cloud tests read"


@pytest.mark.parametrize("name", READ)
def test_every_output_the_cloud_tests_read_is_declared(template: dict[str, Any], name: str) -> None:
    declared = sorted(template.get("Outputs", {}))
    assert name in declared, (
        f"The stack declares no output {name!r}, which the cloud tests read "
        f"(CDK: give the CfnOutput the logical id {name!r} with override_logical_id). "
        f"It declares: {', '.join(declared)}"
    )
