"""The deployable CloudFormation for the infrastructure tests, built once per session.

Synthesis takes seconds, so it starts in a child process as soon as collection shows that a
test needs it, and runs on another core while the tests that do not need it run first.
"""

import json
import subprocess
import sys
from typing import Any

import pytest

SYNTHESIS = pytest.StashKey[subprocess.Popen[str]]()


def needs_template(item: pytest.Item) -> bool:
    return "template" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=needs_template)  # stable: each group keeps its order
    if any(map(needs_template, items)):
        config.stash[SYNTHESIS] = subprocess.Popen(
            [sys.executable, "-m", "tests.infra.synthesize"],
            cwd=config.rootpath,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@pytest.fixture(scope="session")
def template(pytestconfig: pytest.Config) -> dict[str, Any]:
    synthesis = pytestconfig.stash[SYNTHESIS]
    output, errors = synthesis.communicate()
    if synthesis.returncode != 0:
        pytest.fail(f"Synthesis failed:\n{errors}", pytrace=False)
    template: dict[str, Any] = json.loads(output)
    return template
