"""Versions pinned in more than one place agree, whoever moved them: Renovate, `copier update` or a person."""

import re
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"
POWERTOOLS_PIN = re.compile(r"aws-lambda-powertools(\[[^\]]*\])?==(?P<version>\S+)")


def test_the_powertools_layer_is_the_version_pinned_and_installed(template: dict[str, Any]) -> None:
    """Functions import Powertools from its public layer, tests from uv.lock: one version for both."""
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    pins = [found["version"] for d in dependencies if (found := POWERTOOLS_PIN.fullmatch(d))]
    assert len(pins) == 1, "pyproject.toml pins aws-lambda-powertools once, with =="
    assert version("aws-lambda-powertools") == pins[0], "run `make install`: .venv is not uv.lock's"
    layers = [
        str(parameter["Default"])
        for parameter in template.get("Parameters", {}).values()
        if str(parameter.get("Default", "")).startswith("/aws/service/powertools/")
    ]
    assert layers, "the functions take Powertools from its layer's public SSM parameter"
    versions = {layer.rsplit("/", 1)[1] for layer in layers}
    assert versions == {pins[0]}, "the layer's version must be the one pyproject.toml pins"
