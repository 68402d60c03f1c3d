"""Benchmark: how long rendering and a generated project's test suite take.

Not a test: it reports figures for the README and release notes. Figures are the median
of several runs in this process, so imports and caches are paid once up front.

    uv run python scripts/benchmark.py [--runs N] [--skip-make]

Reports:
- render time of the default project vs a trivial one-file template (same process, same
  copier settings), so the template's own cost is visible apart from copier's;
- `make test` wall time of the generated default project (SAM) and of its CDK twin;
- import time of each generated handler module against `import boto3` alone.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from copier import run_copy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.conftest import pyenv_path, snapshot_template


def median_seconds(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def render(source: Path, **data: str) -> Path:
    destination = Path(tempfile.mkdtemp(prefix="bench-"))
    run_copy(str(source), destination, data=data, defaults=True, skip_tasks=True, quiet=True, unsafe=True)
    return destination


def trivial_template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="trivial-template-"))
    (folder / "copier.yml").write_text("name:\n  type: str\n  default: x\n")
    (folder / "README.md.jinja").write_text("# {{ name }}\n")
    return folder


def timed_make(project: Path, target: str) -> float:
    env = pyenv_path()
    subprocess.run(["make", "install"], cwd=project, env=env, check=True, capture_output=True)
    subprocess.run(["make", target], cwd=project, env=env, check=True, capture_output=True)  # warm caches
    start = time.perf_counter()
    subprocess.run(["make", target], cwd=project, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def import_seconds(project: Path, statement: str, runs: int = 15) -> float:
    python = project / ".venv" / "bin" / "python"
    env = {**pyenv_path(), "LAMBDA_TASK_ROOT": str(project), "PYTHONPATH": str(project / "src")}
    code = f"import time; s = time.perf_counter(); {statement}; print(time.perf_counter() - s)"
    samples = [
        float(subprocess.run([str(python), "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]
    return min(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-make", action="store_true", help="only time rendering")
    args = parser.parse_args()

    snapshot = snapshot_template(Path(tempfile.mkdtemp(prefix="template-")))
    trivial = trivial_template()
    render(trivial)  # pay copier's imports once before timing
    trivial_s = median_seconds(lambda: render(trivial), args.runs)
    default_s = median_seconds(lambda: render(snapshot, project_name="Bench"), args.runs)
    files = sum(1 for p in render(snapshot, project_name="Bench").rglob("*") if p.is_file())
    print(f"render, trivial one-file template : {trivial_s:.3f} s")
    print(f"render, default project ({files} files): {default_s:.3f} s ({default_s / trivial_s:.1f}x trivial)")
    if args.skip_make:
        return 0

    for iac in ("sam", "cdk"):
        project = render(snapshot, project_name="Bench", iac=iac)
        test_s = timed_make(project, "test")
        print(f"make test, default project, {iac}: {test_s:.2f} s")
        boto3_s = import_seconds(project, "import boto3")
        for handler in sorted((project / "src").rglob("handler.py")):
            module = ".".join(handler.relative_to(project / "src").with_suffix("").parts)
            handler_s = import_seconds(project, f"import {module}")
            print(f"import {module} ({iac}): {handler_s * 1000:.0f} ms vs import boto3 {boto3_s * 1000:.0f} ms ({handler_s / boto3_s:.2f}x)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
    sys.exit(main())
