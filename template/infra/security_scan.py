"""Scan a CloudFormation template with checkov; fail on any finding or parse error.

checkov exits 0 when it cannot parse a file, so this also requires that the template
was parsed and that its resources were checked. Suppressions live beside the resource
they concern (Metadata checkov skip, each with a comment) or, for resources the
template cannot annotate, in .checkov.yaml with a reason.
"""

import json
import os
import shlex
import subprocess
import sys
from typing import Any


def scan(template: str) -> dict[str, Any]:
    command = shlex.split(os.environ.get("CHECKOV", "checkov"))
    completed = subprocess.run(  # noqa: S603 - the command is the developer's own setting
        [
            *command,
            "--file",
            template,
            "--framework",
            "cloudformation",
            "--config-file",
            ".checkov.yaml",
            "--skip-download",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report: Any = json.loads(completed.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"checkov produced no report (exit {completed.returncode})") from None
    summary: dict[str, Any] = report[0] if isinstance(report, list) else report
    return summary


def main(template: str) -> int:
    report = scan(template)
    summary = report.get("summary", {})
    if summary.get("parsing_errors", 1) or not summary.get("resource_count"):
        print(f"checkov could not parse {template}: {summary}")
        return 1
    failed = report.get("results", {}).get("failed_checks", [])
    for check in failed:
        print(f"{check['check_id']} {check['resource']}: {check['check_name']}")
    print(
        f"checkov: {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['skipped']} skipped with a written reason, {summary['resource_count']} resources"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
