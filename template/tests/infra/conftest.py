"""The deployable CloudFormation for the infrastructure tests, built once per session.

Synthesis takes seconds, so it starts in a child process as soon as collection shows that a
test needs it, and runs on another core while the tests that do not need it run first. It
builds two stages (tests/infra/synthesize.py): `templates` holds both, `template` the default
stage's, which most tests read.
"""

import json
import subprocess
import sys
from typing import Any

import pytest

from infra.stages import DEFAULT_STAGE

SYNTHESIS = pytest.StashKey[subprocess.Popen[str]]()


def needs_template(item: pytest.Item) -> bool:
    return bool({"template", "templates"} & set(getattr(item, "fixturenames", ())))


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
def templates(pytestconfig: pytest.Config) -> dict[str, dict[str, Any]]:
    """Stage name -> the CloudFormation that stage deploys."""
    synthesis = pytestconfig.stash[SYNTHESIS]
    output, errors = synthesis.communicate()
    if synthesis.returncode != 0:
        pytest.fail(f"Synthesis failed:\n{errors}", pytrace=False)
    templates: dict[str, dict[str, Any]] = json.loads(output)
    return templates


@pytest.fixture(scope="session")
def template(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The default stage's CloudFormation."""
    return templates[DEFAULT_STAGE]
