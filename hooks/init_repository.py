"""Copy-time task: make the new project a git repository with a first commit.

A convenience only: a project rendered with --skip-tasks is complete. It never needs the
network, and does nothing when git is missing or the destination is already a repository
(e.g. generated into an existing checkout).
"""

import shutil
import subprocess
import sys
from pathlib import Path


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False)


def main() -> int:
    if shutil.which("git") is None:
        print("git not found: skipping repository initialisation.")
        return 0
    if git("rev-parse", "--is-inside-work-tree").returncode == 0:
        print("Already inside a git repository: leaving it as it is.")
        return 0
    git("init", "--quiet", "--initial-branch=main")
    git("add", "--all")
    committed = git("commit", "--quiet", "--no-verify", "-m", "Generate project from the AWS architecture-pattern template")
    if committed.returncode != 0:
        # Usually a missing user.name/user.email: the repository exists; the user commits later.
        print(f"Created {Path.cwd().name} as a git repository; commit it yourself: {committed.stderr.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
