"""Update-time migration: fail `copier update` while it leaves conflicts behind.

Copier applies an update and exits 0 even when the owner's edits and the template's changes
overlap: it writes inline conflict markers (or *.rej files with `--conflict rej`) and moves on.
This script runs after every update (copier.yml `_migrations`, stage "after"), lists what is
left to resolve and exits 1, so that `copier update` itself reports the conflicts through its
exit status. The update stays applied; resolve the files listed, then commit.

Read-only and network-free: rerunning it changes nothing. It applies the same rule as the
generated project's `make conflicts` target.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

# Lines copier (git merge-file) writes around a conflict: "<<<<<<< before updating", ">>>>>>> after updating".
MARKER = re.compile(rb"^(<{7}|>{7})( |\r?$)", re.MULTILINE)
SKIPPED_DIRS = {".git", ".venv", "node_modules", "cdk.out", "build", ".aws-sam"}


def unmerged_paths(project: Path) -> set[str]:
    """Files git records as unmerged ("both modified" in `git status`)."""
    result = subprocess.run(
        ["git", "diff", "--name-only", "--diff-filter=U"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    return set(result.stdout.split()) if result.returncode == 0 else set()


def scan(project: Path) -> tuple[list[str], list[str]]:
    """Files holding conflict markers, and *.rej files, relative to `project`."""
    with_markers: list[str] = []
    rejects: list[str] = []
    for folder, dirs, files in os.walk(project):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(folder, name)
            relative = path.relative_to(project).as_posix()
            if name.endswith(".rej"):
                rejects.append(relative)
                continue
            try:
                if MARKER.search(path.read_bytes()):
                    with_markers.append(relative)
            except OSError:
                continue
    return with_markers, rejects


def main() -> int:
    project = Path.cwd()
    with_markers, rejects = scan(project)
    unmerged = sorted(unmerged_paths(project) - set(with_markers))
    if not (with_markers or rejects or unmerged):
        return 0
    print("\nThe update is applied, but it left conflicts to resolve:", file=sys.stderr)
    for relative in with_markers:
        print(
            f"  {relative}: conflict markers (<<<<<<< before updating ... >>>>>>> after updating)",
            file=sys.stderr,
        )
    for relative in unmerged:
        print(f"  {relative}: unmerged in git", file=sys.stderr)
    for relative in rejects:
        print(
            f"  {relative}: rejected hunks; apply them by hand to {relative[:-4]}, then delete it",
            file=sys.stderr,
        )
    print(
        "Edit each file to keep the lines you want, remove the markers, `git add` it,\n"
        "then run `make conflicts` (or `make check`) and commit.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
