"""Benchmark: the four speed figures of the template, each against its target.

Not a test: it reports figures for the README and release notes. Run it on a quiet machine:

    uv run --with copier-templates-extensions python scripts/benchmark.py [--runs N] [--reference DIR]

1. Render: the all-patterns project against pawamoy/copier-uv (a well-known Copier template of
   about 60 files), both rendered in this process from plain folders with the same settings,
   and both as a user runs it: the whole `copier copy --defaults` command from a git clone.
   `--reference` names a checkout (or bare clone) of copier-uv; copier-uv's Jinja extensions
   need the `copier-templates-extensions` package, hence `--with`. Target: no slower.
2. The all-patterns CDK project's `make test` against one `make synth` of its app. Target: 1.5x.
3. Import of every function's handler module, from its own artifact, against `import boto3`,
   as Lambda would run it (LAMBDA_TASK_ROOT set): in rounds that run each import once, the
   median of the per-round ratios. Target: 1.3x.
4. The size of every function's artifact (the project modules its handler loads, with their
   bytecode).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from copier import run_copy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.conftest import PATTERNS, pyenv_path, snapshot_template

REFERENCE_ANSWERS = {
    "project_name": "Bench",
    "project_description": "A benchmark project",
    "author_fullname": "Bench Mark",
    "author_email": "bench@example.com",
    "author_username": "bench",
    "repository_namespace": "bench",
    "repository_name": "bench",
    "copyright_holder": "Bench Mark",
    "copyright_holder_email": "bench@example.com",
}


def median_seconds(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def render(source: Path, data: dict[str, Any]) -> Path:
    destination = Path(tempfile.mkdtemp(prefix="bench-"))
    # copier-uv runs tasks and Jinja extensions (hence trust); this template has neither.
    run_copy(
        str(source), destination, data=data, defaults=True, quiet=True, skip_tasks=True, unsafe=True
    )
    return destination


def files_in(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


def plain_reference(reference: Path) -> Path:
    """copier-uv as a plain folder, like the snapshot of this template."""
    folder = Path(tempfile.mkdtemp(prefix="reference-"))
    git_dir = reference / ".git" if (reference / ".git").exists() else reference
    archive = subprocess.run(
        ["git", "--git-dir", str(git_dir), "archive", "HEAD"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def copier_copy_seconds(
    clone: Path, data: dict[str, Any], runs: int, *options: str
) -> tuple[float, int]:
    """Median seconds of the whole `copier copy --defaults` command, as a user runs it, from the
    git clone `clone`; and the number of files it writes."""
    answers = [f"--data={name}={value}" for name, value in data.items()]
    timings, files = [], 0
    for _ in range(runs):
        destination = Path(tempfile.mkdtemp(prefix="bench-cli-")) / "project"
        command = [sys.executable, "-m", "copier", "copy", "--defaults", "--quiet", *options]
        start = time.perf_counter()
        subprocess.run([*command, *answers, str(clone), str(destination)], check=True)
        timings.append(time.perf_counter() - start)
        files = files_in(destination)
        shutil.rmtree(destination.parent)
    return statistics.median(timings), files


def git_clone(source: Path, ref: str = "HEAD") -> Path:
    clone = Path(tempfile.mkdtemp(prefix="clone-")) / "template"
    subprocess.run(["git", "clone", "--quiet", str(source), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", ref], check=True)
    return clone


def make(project: Path, env: dict[str, str], *targets: str) -> None:
    subprocess.run(["make", *targets], cwd=project, env=env, check=True, capture_output=True)


def import_seconds(
    python: Path, statements: dict[str, Path], rounds: int
) -> dict[str, list[float]]:
    """Seconds of each import statement (its artifact the task root) in each of `rounds` rounds.

    A round runs every statement once, in turn, so that each handler's ratio to `import boto3`
    can be taken within a round: a busy moment of the machine then slows both sides of it.
    """
    code = "import time; s = time.perf_counter(); {}; print(time.perf_counter() - s)"
    seconds: dict[str, list[float]] = {statement: [] for statement in statements}
    for _ in range(rounds):
        for statement, artifact in statements.items():
            env = {
                **pyenv_path(),
                "LAMBDA_TASK_ROOT": str(artifact),
                "PYTHONPATH": str(artifact),
                # Lambda's task root is read-only: nothing compiled in one run helps the next.
                "PYTHONDONTWRITEBYTECODE": "1",
                "POWERTOOLS_SERVICE_NAME": "bench",
                "AWS_DEFAULT_REGION": "eu-west-1",
            }
            result = subprocess.run(
                [str(python), "-c", code.format(statement)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            seconds[statement].append(float(result.stdout))
    return seconds


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f}x (target {target}x: {'met' if ratio <= target else 'NOT met'})"


def main() -> int:
    parser = argparse.ArgumentParser(description="The template's four speed figures")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--reference", type=Path, default=ROOT.parent / ".mirror" / "pawamoy+copier-uv" / "repo"
    )
    parser.add_argument(
        "--baseline",
        help="a git ref of this template (e.g. v0.4.0) whose `copier copy` is timed in the same run",
    )
    args = parser.parse_args()
    everything = {"project_name": "Bench", "patterns": PATTERNS}
    snapshot = snapshot_template(Path(tempfile.mkdtemp(prefix="template-")))

    print(f"1. Render ({args.runs} runs, median)")
    if args.reference.exists():
        reference = plain_reference(args.reference)
        render(reference, REFERENCE_ANSWERS)  # pay copier's and the extensions' imports once
        reference_s = median_seconds(lambda: render(reference, REFERENCE_ANSWERS), args.runs)
        reference_files = files_in(render(reference, REFERENCE_ANSWERS))
        print(f"   copier-uv ({reference_files} files): {reference_s:.3f} s")
    else:
        reference_s = 0.0
        print(
            f"   no copier-uv checkout at {args.reference}: clone https://github.com/pawamoy/copier-uv and pass --reference"
        )
    for iac in ("sam", "cdk"):
        data = {**everything, "iac": iac}
        ours_s = median_seconds(lambda data=data: render(snapshot, data), args.runs)
        ours_files = files_in(render(snapshot, data))
        figure = f"   all {len(PATTERNS)} patterns, {iac} ({ours_files} files): {ours_s:.3f} s"
        print(figure + (f", {verdict(ours_s / reference_s, 1.0)}" if reference_s else ""))

    print(f"   copier copy --defaults from a git clone, whole command ({args.runs} runs, median):")
    cli_reference_s = 0.0
    if args.reference.exists():
        cli_reference_s, files = copier_copy_seconds(
            git_clone(args.reference), REFERENCE_ANSWERS, args.runs, "--trust", "--skip-tasks"
        )
        print(f"   copier-uv ({files} files): {cli_reference_s:.3f} s")
    refs = {"HEAD": ()} | ({args.baseline: ("--trust", "--skip-tasks")} if args.baseline else {})
    for ref, options in refs.items():  # tasks of releases before 0.5.0 are skipped
        clone = git_clone(ROOT, ref)  # the committed tree, as a user clones it
        for iac in ("sam", "cdk"):
            data = {"project_name": "Bench", "patterns": f"[{', '.join(PATTERNS)}]", "iac": iac}
            # --vcs-ref: the commit checked out, not the clone's newest tag
            cli_s, files = copier_copy_seconds(clone, data, args.runs, "--vcs-ref=HEAD", *options)
            figure = f"   {ref}: all {len(PATTERNS)} patterns, {iac} ({files} files): {cli_s:.3f} s"
            print(figure + (f", {cli_s / cli_reference_s:.2f}x" if cli_reference_s else ""))

    caches = Path(tempfile.mkdtemp(prefix="bench-caches-"))
    envs = {
        iac: {
            **pyenv_path(),
            "UV_PROJECT_ENVIRONMENT": str(caches / iac),
            "MYPY_CACHE_DIR": str(caches / f"mypy-{iac}"),
        }
        for iac in ("sam", "cdk")
    }
    cdk = render(snapshot, {**everything, "iac": "cdk"})
    make(cdk, envs["cdk"], "install", "test", "synth")  # warm: dependencies, bytecode, jsii
    test_s = median_seconds(lambda: make(cdk, envs["cdk"], "test"), 3)
    synth_s = median_seconds(lambda: make(cdk, envs["cdk"], "synth"), 3)
    print("2. CDK project with every pattern (3 runs, median)")
    print(
        f"   make test {test_s:.2f} s vs make synth {synth_s:.2f} s: {verdict(test_s / synth_s, 1.5)}"
    )

    sam = render(snapshot, {**everything, "iac": "sam"})
    make(sam, envs["sam"], "install", "synth")
    subprocess.run(
        ["uv", "run", "python", "-m", "infra.package"],
        cwd=sam,
        env=envs["sam"],
        check=True,
        capture_output=True,
    )
    python = caches / "sam" / "bin" / "python"
    template = json.loads((sam / "build" / "cloudformation" / "template.json").read_text())
    modules = sorted(
        {
            resource["Properties"]["Handler"].rpartition(".")[0]
            for resource in template["Resources"].values()
            if resource["Type"] == "AWS::Lambda::Function"
        }
    )
    rounds = 21
    print(
        f"3. Handler imports from their artifacts ({rounds} rounds: median time, median of the"
        " per-round ratios) and 4. artifact sizes"
    )
    artifacts = {module: sam / "build" / "lambda" / module for module in modules}
    seconds = import_seconds(
        python,
        {"import boto3": artifacts[modules[0]]}
        | {f"import {module}": folder for module, folder in artifacts.items()},
        rounds,
    )
    boto3_runs = seconds["import boto3"]
    print(f"   import boto3: {statistics.median(boto3_runs) * 1000:.0f} ms")
    worst = 0.0
    for module, artifact in artifacts.items():
        runs = seconds[f"import {module}"]
        ratio = statistics.median(
            ours / boto3 for ours, boto3 in zip(runs, boto3_runs, strict=True)
        )
        worst = max(worst, ratio)
        # What deploys: the package (SAM's build copies it out of the folder; the Makefile stays).
        deployed = [path for path in (artifact / "bench").rglob("*") if path.is_file()]
        size = sum(path.stat().st_size for path in deployed)
        print(
            f"   {module}: {statistics.median(runs) * 1000:.0f} ms ({ratio:.2f}x), artifact {size / 1024:.1f} KiB in {len(deployed)} files"
        )
    print(f"   slowest handler: {verdict(worst, 1.3)}")
    shutil.rmtree(caches, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
    sys.exit(main())
