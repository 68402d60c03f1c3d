"""2. Render matrix: every supported answer set renders a coherent, well-formed project.

Fast and static: files present or absent, YAML/TOML/JSON parse, no Jinja left behind,
Python compiles, and ruff (lint and format) passes under the project's own settings.
"""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import PATTERNS, ROOT, Render, files_of

JWT = {"api_auth": "jwt", "jwt_issuer": "https://id.example.com/pool", "jwt_audience": "client-1"}
CASES: list[dict[str, Any]] = [
    {"iac": iac, **extra}
    for iac in ("sam", "cdk")
    for extra in (
        {},
        JWT,
        {"api_auth": "none"},
        {"python_version": "3.12", "architecture": "x86_64"},
        {"python_version": "3.14"},
        *({"patterns": [pattern]} for pattern in PATTERNS[1:]),
        {"patterns": PATTERNS},
        {"patterns": ["microservices"], "microservices_compute": "fargate"},
        {"patterns": PATTERNS, "microservices_compute": "fargate", "api_auth": "none"},
    )
]
LEFTOVER_JINJA = re.compile(r"(?<!\$)\{\{|\{%|%\}|\.jinja\b")


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads CloudFormation short-form tags (!Ref, !Sub, ...) as plain values."""


_CloudFormationLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _case_id(case: dict[str, Any]) -> str:
    return "-".join(
        "+".join(v) if isinstance(v, list) else str(v)
        for k, v in case.items()
        if not k.startswith("jwt_")
    )


@pytest.fixture(scope="module", params=CASES, ids=_case_id)
def project(request: pytest.FixtureRequest, render: Render) -> tuple[dict[str, Any], Path]:
    return request.param, render(**request.param)


def test_files_follow_the_chosen_tool(project: tuple[dict[str, Any], Path]) -> None:
    case, root = project
    sam_files = {"template.yaml", "samconfig.toml"}
    patterns = case.get("patterns", ["serverless_api"])
    cdk_files = {"app.py", "cdk.json", "infra/stack.py", "infra/platform.py"}
    cdk_files |= {f"infra/patterns/{pattern}.py" for pattern in patterns}
    present = {str(p.relative_to(root)) for p in files_of(root)}

    assert sam_files <= present if case["iac"] == "sam" else not sam_files & present
    assert cdk_files <= present if case["iac"] == "cdk" else not cdk_files & present
    assert f"docs/adr/0002-infrastructure-as-code-{case['iac']}.md" in present
    assert {"Makefile", "README.md", ".github/workflows/ci.yml", "infra/synth.py"} <= present
    for pattern in set(PATTERNS) - set(patterns):
        assert not [path for path in present if pattern in path.replace("-", "_")], pattern


def test_structured_files_parse(project: tuple[dict[str, Any], Path]) -> None:
    _, root = project
    for path in files_of(root):
        text = path.read_text()
        if path.suffix in {".yml", ".yaml"}:
            assert yaml.load(text, Loader=_CloudFormationLoader) is not None, path  # noqa: S506
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix == ".json":
            json.loads(text)


def test_no_jinja_is_left_and_python_compiles(project: tuple[dict[str, Any], Path]) -> None:
    _, root = project
    for path in files_of(root):
        assert not LEFTOVER_JINJA.search(path.name), path
        text = path.read_text()
        assert not LEFTOVER_JINJA.search(text), f"{path}: {LEFTOVER_JINJA.search(text)}"
        if path.suffix == ".py":
            compile(text, str(path), "exec")


def test_ruff_passes_with_the_projects_settings(project: tuple[dict[str, Any], Path]) -> None:
    _, root = project
    for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command], cwd=root, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_answers_shape_the_infrastructure(project: tuple[dict[str, Any], Path]) -> None:
    case, root = project
    version = case.get("python_version", "3.13")
    architecture = case.get("architecture", "arm64")
    infra = (root / ("template.yaml" if case["iac"] == "sam" else "infra/platform.py")).read_text()
    assert f"python{version}" in infra
    assert f"/aws/service/powertools/python/{architecture}/python{version}/" in infra
    checkov = (root / ".checkov.yaml").read_text()
    assert ("CKV_AWS_309" in checkov) == (case.get("api_auth") == "none")


def test_every_pattern_has_its_folder_in_every_layer(render: Render) -> None:
    questions = yaml.safe_load((ROOT / "copier.yml").read_text())
    adrs = questions["pattern_adrs"]["default"]
    for iac in ("sam", "cdk"):
        root = render(patterns=PATTERNS, iac=iac)
        package = root / "src" / "orders_service"
        for pattern in PATTERNS:
            # Microservices has one folder per service (see test_microservices_has_a_folder_per_service).
            code = package / pattern / ("orders" if pattern == "microservices" else "")
            assert (code / "handler.py").is_file()
            assert (root / "events" / pattern).is_dir()
            assert (root / "tests" / "unit" / pattern).is_dir()
            assert (root / "tests" / "infra" / f"test_{pattern}.py").is_file()
            assert (root / "docs" / "adr" / adrs[pattern]).is_file()
            if iac == "cdk":
                assert (root / "infra" / "patterns" / f"{pattern}.py").is_file()


@pytest.mark.parametrize("iac", ["sam", "cdk"])
def test_microservices_has_a_folder_per_service_in_every_layer(render: Render, iac: str) -> None:
    services = ["billing", "shipping", "stock_levels_service"]
    root = render(patterns=["microservices"], iac=iac, services=", ".join(services))

    for layer in ("src/orders_service/microservices", "tests/unit/microservices", "events/microservices"):
        folders = sorted(path.name for path in (root / layer).iterdir() if path.is_dir())
        assert folders == services, layer
    package = root / "src" / "orders_service" / "microservices"
    assert [path.parent.name for path in package.glob("*/subscriber.py")] == ["shipping"]
    infra = (root / ("template.yaml" if iac == "sam" else "infra/patterns/microservices.py")).read_text()
    for service in services:
        assert f"/{service}/items" in infra or iac == "cdk"
        assert f"microservices.{service}" in infra or iac == "cdk"
    if iac == "cdk":
        assert f"SERVICES = {services!r}".replace("'", '"') in infra
    for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        ruff = subprocess.run(
            [sys.executable, "-m", "ruff", *command], cwd=root, capture_output=True, text=True, check=False
        )
        assert ruff.returncode == 0, ruff.stdout
