"""5. Terminal: `copier copy` answered in a pseudo-terminal, key by key, as a person answers it.

The other layers pass answers as data (`--data`, `--defaults`), which never builds a prompt.
Here the real `copier` command of this environment runs in a terminal of 40 rows and 200
columns; each step waits for its question (the `help:` text from copier.yml), then presses the
keys a person would: Enter on a proposed answer, arrows and Enter on a choice, space on the
pattern checkboxes, y/n on a yes/no question, and on every free-text question with a validator
a wrong answer first, whose refusal must show on screen before the line is cleared and the
right answer typed. Every run must end with exit status 0, no Python traceback or exception
on screen, the project written, and an answers file holding exactly what was answered.

A question whose default fails its own validator used to crash the prompt while it was being
built (`ValueError: Validation error for question 'jwt_issuer'`); the JWT path below asks both
JWT questions and is the regression test for it.

The terminal is emulated (pyte): it answers prompt_toolkit's cursor-position requests from its
screen as a real one does (unanswered, each prompt would wait a second or more), and a failure
shows the screen as a person would see it.
"""

from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pexpect
import pyte
import pytest
import yaml

from tests.conftest import REGISTRY, ROOT

pytestmark = [
    pytest.mark.terminal,
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal"),
]

ROWS, COLUMNS = 40, 200
PROMPT_TIMEOUT = 30  # seconds to wait for a question or a message to show
RENDER_TIMEOUT = 120  # seconds from the last answer to copier's exit

DOWN, UP, SPACE, ENTER, CLEAR_LINE = "\x1b[B", "\x1b[A", " ", "\r", "\x15"
CURSOR_POSITION_REQUEST = "\x1b[6n"

COPIER_YML: dict[str, Any] = yaml.safe_load((ROOT / "copier.yml").read_text())
QUESTIONS: dict[str, dict[str, Any]] = {
    key: spec
    for key, spec in COPIER_YML.items()
    if not key.startswith("_") and spec.get("when") is not False
}

_ESCAPES = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78])|[\r\x08]")
_PYTHON_COMPLAINT = re.compile(r"Traceback|\b\w*(Error|Exception|Warning)\b")


def plain(output: str) -> str:
    """Terminal output without its escape sequences: what a person can read."""
    return _ESCAPES.sub("", output)


def prompt_text(key: str) -> str:
    """The start of a question's help as the prompt shows it (long helps wrap further on)."""
    return " ".join(str(QUESTIONS[key]["help"]).split())[:60]


def choices(key: str) -> list[tuple[str, Any]]:
    """(label, value) of each choice of a question, in the order the prompt lists them."""
    if key == "patterns":  # rendered from the registry: "<title>: <summary>"
        return [(f"{p['title']}: {p['summary']}", name) for name, p in REGISTRY.items()]
    offered = QUESTIONS[key]["choices"]
    if isinstance(offered, dict):
        return list(offered.items())
    return [(str(value), value) for value in offered]


def choice_index(key: str, label: str) -> int:
    found = [i for i, (shown, _) in enumerate(choices(key)) if shown.startswith(label)]
    assert len(found) == 1, f"{label!r} names {len(found)} choices of {key}: {choices(key)}"
    return found[0]


class Terminal:
    """A pseudo-terminal running one command, shown on an emulated screen of ROWS x COLUMNS.

    Like a real terminal it answers the program's cursor-position requests from its screen.
    Waiting for a text reads the output that came since the last text waited for.
    """

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path) -> None:
        self.child = pexpect.spawn(
            command[0],
            command[1:],
            env=env,
            cwd=str(cwd),
            dimensions=(ROWS, COLUMNS),
            encoding="utf-8",
            codec_errors="replace",
        )
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self._stream = pyte.Stream(self.screen)
        self.transcript: list[str] = []  # all output, as written
        self.unread = ""  # output since the last text waited for
        self._held = ""  # the end of a read that may be the start of a cursor-position request
        self.exited = False
        self.question: str | None = None  # the question being answered
        self.states: dict[str, dict[str, Any]] = {}  # per question: what its keys changed

    def press(self, keys: str) -> None:
        self.child.send(keys)

    def display(self) -> str:
        """The screen as a person sees it now."""
        rows = [row.rstrip() for row in self.screen.display]
        return "\n".join(rows).strip("\n")

    def _read(self, timeout: float) -> None:
        try:
            data = self._held + self.child.read_nonblocking(4096, timeout)
        except pexpect.EOF:
            data, self.exited = self._held, True
        self._held = ""
        if not self.exited:
            for size in range(len(CURSOR_POSITION_REQUEST) - 1, 0, -1):
                if data.endswith(CURSOR_POSITION_REQUEST[:size]):
                    data, self._held = data[:-size], data[-size:]
                    break
        for number, part in enumerate(data.split(CURSOR_POSITION_REQUEST)):
            if number:
                cursor = self.screen.cursor
                self.press(f"\x1b[{cursor.y + 1};{cursor.x + 1}R")
            self._stream.feed(part)
            self.transcript.append(part)
            self.unread += part

    def _wait(self, wanted: str | None, what: str, timeout: float) -> None:
        """Read until `wanted` shows (None: until copier exits). Fail at once if another
        question than `what` and the one just answered is asked, or copier exits first."""
        others = [k for k in QUESTIONS if k not in {self.question, what}]
        patterns = [re.compile(re.escape(prompt_text(k))) for k in others]
        if wanted is not None:
            patterns.insert(0, re.compile(re.escape(wanted)))
        deadline = time.monotonic() + timeout
        while True:
            found = [
                (m.start(), i, m) for i, p in enumerate(patterns) if (m := p.search(self.unread))
            ]
            if found:
                _, index, match = min(found)
                if wanted is not None and index == 0:
                    self.unread = self.unread[match.end() :]
                    return
                asked = others[index - (wanted is not None)]
                self.fail(f"waiting for {what} ({wanted!r}): copier asked {asked}")
            if self.exited:
                if wanted is None:
                    return
                self.fail(f"waiting for {what} ({wanted!r}): copier exited")
            remaining = deadline - time.monotonic()
            try:
                self._read(max(remaining, 0))
            except pexpect.TIMEOUT:
                self.fail(f"waiting for {what} ({wanted!r}): nothing new for {timeout} s")

    def fail(self, problem: str) -> None:
        pytest.fail(f"{problem}. The screen:\n{self.display()}", pytrace=False)

    def wait_for_question(self, key: str) -> None:
        self._wait(prompt_text(key), key, PROMPT_TIMEOUT)
        self.question = key

    def wait_for(self, text: str) -> None:
        assert self.question
        self._wait(text, self.question, PROMPT_TIMEOUT)

    def finish(self) -> int:
        """Wait for copier to exit, answering no further question; its exit status."""
        self._wait(None, "the end", RENDER_TIMEOUT)
        self.child.close()
        return -1 if self.child.exitstatus is None else int(self.child.exitstatus)

    def output(self) -> str:
        """Everything the command wrote, without escape sequences."""
        return plain("".join(self.transcript))


# The answers: what a person presses on the question being asked (`perform`), and what the
# answers file must then record for it (`recorded`).


class Answer(Protocol):
    def perform(self, term: Terminal, key: str) -> None: ...

    def recorded(self, key: str) -> Any: ...


@dataclass(frozen=True)
class _Enter:
    """Enter: take the answer copier.yml proposes (a text default must show in the prompt)."""

    def perform(self, term: Terminal, key: str) -> None:
        if "choices" not in QUESTIONS[key] and QUESTIONS[key].get("type") != "bool":
            term.wait_for(str(QUESTIONS[key]["default"]))
        term.press(ENTER)

    def recorded(self, key: str) -> Any:
        return QUESTIONS[key]["default"]

    def __repr__(self) -> str:
        return "Enter"


Enter = _Enter()


@dataclass(frozen=True)
class Accept:
    """Enter on an answer copier proposes from earlier ones; the prompt must show it as `shown`."""

    shown: str

    def perform(self, term: Terminal, key: str) -> None:
        term.wait_for(self.shown)
        term.press(ENTER)

    def recorded(self, key: str) -> Any:
        return self.shown


@dataclass(frozen=True)
class Type:
    """Clear the line (Ctrl-U), type `text`, Enter."""

    text: str

    def perform(self, term: Terminal, key: str) -> None:
        term.press(CLEAR_LINE + self.text + ENTER)

    def recorded(self, key: str) -> Any:
        return self.text


@dataclass(frozen=True)
class Choose:
    """Arrow keys from the proposed choice to the one whose label starts with `label`, Enter."""

    label: str

    def perform(self, term: Terminal, key: str) -> None:
        default = QUESTIONS[key]["default"]
        start = next(i for i, (_, value) in enumerate(choices(key)) if value == default)
        target = choice_index(key, self.label)
        moves = DOWN * (target - start) if target >= start else UP * (start - target)
        term.press(moves + ENTER)

    def recorded(self, key: str) -> Any:
        return choices(key)[choice_index(key, self.label)][1]


@dataclass(frozen=True)
class Select:
    """Checkboxes, from the top: space on each whose mark is not the wanted one, Enter."""

    labels: tuple[str, ...]

    def __init__(self, *labels: str) -> None:
        object.__setattr__(self, "labels", labels)

    def perform(self, term: Terminal, key: str) -> None:
        state = term.states.setdefault(
            key, {"checked": set(QUESTIONS[key].get("default") or []), "pointer": 0}
        )
        wanted = self.recorded(key)
        keys = ""
        for index, (_, value) in enumerate(choices(key)):
            if (value in wanted) != (value in state["checked"]):
                moves = index - state["pointer"]
                keys += DOWN * moves if moves >= 0 else UP * -moves
                keys += SPACE
                state["pointer"] = index
                state["checked"] ^= {value}
        term.press(keys + ENTER)

    def recorded(self, key: str) -> Any:
        wanted = {choice_index(key, label) for label in self.labels}
        return [value for index, (_, value) in enumerate(choices(key)) if index in wanted]

    def __repr__(self) -> str:
        return f"Select{self.labels!r}"


@dataclass(frozen=True)
class _Confirm:
    """y or n on a yes/no question (it takes the key without Enter)."""

    key: str
    value: bool

    def perform(self, term: Terminal, key: str) -> None:
        term.press(self.key)

    def recorded(self, key: str) -> Any:
        return self.value

    def __repr__(self) -> str:
        return "Yes" if self.value else "No"


Yes, No = _Confirm("y", True), _Confirm("n", False)


@dataclass(frozen=True)
class Wrong:
    """Give `answer` (typed text, or checkboxes), see the refusal `says` on screen, then `then`."""

    answer: str | Answer
    then: str | Answer
    says: str

    def perform(self, term: Terminal, key: str) -> None:
        assert self.says not in prompt_text(key), "the refusal must not be found in the question"
        _as_answer(self.answer).perform(term, key)
        term.wait_for(self.says)
        _as_answer(self.then).perform(term, key)

    def recorded(self, key: str) -> Any:
        return _as_answer(self.then).recorded(key)


def _as_answer(answer: str | Answer) -> Answer:
    return Type(answer) if isinstance(answer, str) else answer


# The paths, one interactive `copier copy` each, in the order copier asks. Questions absent from
# a path must not be asked on it (and must not be in its answers file).
PATHS: dict[str, dict[str, Answer]] = {
    "defaults": {
        "project_name": Enter,
        "project_slug": Accept("my-service"),
        "package_name": Accept("my_service"),
        "description": Enter,
        "author_name": Enter,
        "author_email": Enter,
        "patterns": Enter,
        "iac": Enter,
        "aws_region": Enter,
        "python_version": Enter,
        "architecture": Enter,
        "snap_start": Enter,
        "api_auth": Enter,
    },
    "jwt-api-with-events-and-cqrs-on-cdk-python-3.14-x86_64": {
        "project_name": Wrong("1st service", then="Orders Service", says="Start with a letter"),
        "project_slug": Wrong(
            "Orders_Service", then="orders-service", says="lowercase letters and digits"
        ),
        "package_name": Wrong("lambda", then="orders_service", says="is a Python keyword"),
        "description": Wrong("   ", then="Takes and tracks orders.", says="non-empty sentence"),
        "author_name": Wrong("", then="Orders Team", says="non-empty name"),
        "author_email": Wrong("not-an-email", then="orders@example.com", says="e-mail address"),
        "patterns": Select("Serverless API", "Event-driven", "CQRS + event sourcing"),
        "iac": Choose("AWS CDK"),
        "aws_region": Wrong("europe", then="eu-central-1", says="AWS region code"),
        "python_version": Choose("3.14"),
        "architecture": Choose("x86_64"),
        "snap_start": Yes,
        "api_auth": Choose("JWT"),
        "jwt_issuer": Wrong(
            "not a url",
            then="https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbCdEf123",
            says="https:// URL",
        ),
        "jwt_audience": Wrong("", then="4example0app0client0id", says="Give the audience"),
    },
    "public-microservices-on-lambda-with-cache-on-sam-python-3.12": {
        # A one-word name that is a standard-library module: the proposed package avoids it.
        "project_name": Wrong("orders/service", then="Queue", says="Start with a letter"),
        "project_slug": Accept("queue"),
        "package_name": Accept("queue_service"),
        "description": Wrong("  ", then="Sells things.", says="non-empty sentence"),
        "author_name": Wrong(" ", then="Shop Team", says="non-empty name"),
        "author_email": Wrong("shop@", then="shop@example.org", says="e-mail address"),
        "patterns": Wrong(
            Select(), then=Select("Microservices", "Cache-aside"), says="Choose at least one"
        ),
        "services": Wrong("orders", then="orders, billing, shipping", says="at least two services"),
        "microservices_compute": Choose("AWS Lambda"),
        "iac": Enter,
        "aws_region": Wrong("eu-west", then="us-east-1", says="AWS region code"),
        "python_version": Choose("3.12"),
        "architecture": Enter,
        "snap_start": No,
        "api_auth": Choose("None"),
    },
    "microservices-on-fargate-with-batch-job-and-data-lake-on-cdk": {
        # A name longer than a slug may be: the proposed slug is cut at a word, within 54.
        "project_name": Wrong(
            "",
            then="Warehouse and Stock Management Platform for the Northern Region",
            says="Start with a letter",
        ),
        "project_slug": Accept("warehouse-and-stock-management-platform-for-the"),
        "package_name": Accept("warehouse_and_stock_management_platform_for_the"),
        "description": Wrong(" ", then="Keeps stock.", says="non-empty sentence"),
        "author_name": Wrong("", then="Stock Team", says="non-empty name"),
        "author_email": Wrong("stock team", then="stock@example.com", says="e-mail address"),
        "patterns": Select("Microservices", "Batch processing", "Data lake"),
        "services": Wrong("orders, orders", then="orders, inventory", says="may appear once"),
        "microservices_compute": Choose("Containers on ECS Fargate"),
        "batch_schedule": Wrong(
            "every night", then="cron(30 3 ? * MON-FRI *)", says="Give an EventBridge Scheduler"
        ),
        "batch_container_job": Yes,
        "iac": Choose("AWS CDK"),
        "aws_region": Wrong("Ireland", then="eu-west-1", says="AWS region code"),
        "python_version": Enter,
        "architecture": Enter,
        "snap_start": Enter,
        "api_auth": Enter,
        "data_lake_access": Choose("IAM only"),
    },
    "batch-and-governed-data-lake-in-taipei-without-http-api-on-sam": {
        "project_name": Wrong("2 Lake", then="Lake", says="Start with a letter"),
        "project_slug": Wrong("lake_", then="lake", says="lowercase letters and digits"),
        "package_name": Wrong("json", then="lake", says="is a standard-library module"),
        "description": Wrong("   ", then="Keeps the data.", says="non-empty sentence"),
        "author_name": Wrong("", then="Data Team", says="non-empty name"),
        "author_email": Wrong("data@team", then="data@example.com", says="e-mail address"),
        "patterns": Select("Batch processing", "Data lake"),
        "batch_schedule": Wrong(
            "cron(0 2 * * *)", then="rate(6 hours)", says="A cron expression has six fields"
        ),
        "batch_container_job": No,
        "iac": Enter,
        # Taipei: Lambda offers no SnapStart there, so snap_start is not asked.
        "aws_region": Wrong("EU", then="ap-east-2", says="AWS region code"),
        "python_version": Enter,
        "architecture": Choose("arm64"),
        "data_lake_access": Choose("Lake Formation"),
    },
}


def copier_copy(template: Path, destination: Path, path: dict[str, Answer]) -> tuple[int, str]:
    """Answer `path` in a terminal; copier's exit status and everything it showed."""
    settings = destination.parent / "copier-settings.yml"
    settings.write_text("defaults: {}\n")
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "NO_COLOR": "1",
        # A person's own copier settings (e.g. default answers) must not change the questions.
        "COPIER_SETTINGS_PATH": str(settings),
    }
    for sized in ("COLUMNS", "LINES"):  # the terminal's own size rules
        env.pop(sized, None)
    command = [sys.executable, "-m", "copier", "copy", str(template), str(destination)]
    term = Terminal(command, env, cwd=destination.parent)
    try:
        for key, answer in path.items():
            term.wait_for_question(key)
            answer.perform(term, key)
        status = term.finish()
    finally:
        if term.child.isalive():
            term.child.terminate(force=True)
    return status, term.output()


@pytest.mark.parametrize("path", list(PATHS.values()), ids=list(PATHS))
def test_copier_copy_answered_in_a_terminal(
    template_snapshot: Path, tmp_path: Path, path: dict[str, Answer]
) -> None:
    destination = tmp_path / "service"
    expected = {key: answer.recorded(key) for key, answer in path.items()}

    status, output = copier_copy(template_snapshot, destination, path)

    assert status == 0, output[-3000:]
    complaint = _PYTHON_COMPLAINT.search(output)
    assert not complaint, output[max(complaint.start() - 2000, 0) : complaint.end() + 1000]
    assert f'Your service "{expected["project_name"]}" is ready' in output
    recorded = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert {key: value for key, value in recorded.items() if not key.startswith("_")} == expected
    package = destination / "src" / expected["package_name"]
    for pattern in expected["patterns"]:
        assert (package / pattern / "__init__.py").is_file(), pattern
    for service in expected.get("services", "").replace(",", " ").split():
        assert (package / "microservices" / service).is_dir(), service
    assert (destination / {"sam": "template.yaml", "cdk": "app.py"}[expected["iac"]]).is_file()


def test_the_paths_take_every_branch_of_the_questions() -> None:
    """Every question is asked on some path, and a conditional one is left out on some path;
    every choice is taken, both answers of each yes/no question are given, and, but on the
    defaults path, every free-text question with a validator gets a wrong answer first (or
    checks the answer copier proposes from earlier ones)."""
    for name, path in PATHS.items():
        for key, answer in path.items():
            # A yes/no question's validator judges --data only: a terminal offers no wrong key.
            typed = (
                "validator" in QUESTIONS[key]
                and "choices" not in QUESTIONS[key]
                and QUESTIONS[key].get("type") != "bool"
            )
            if name != "defaults" and typed:
                assert isinstance(answer, (Wrong, Accept)), f"{name}: {key} is answered right first"
    for key, spec in QUESTIONS.items():
        answers = [path[key] for path in PATHS.values() if key in path]
        assert answers, f"no path asks {key}"
        if "when" in spec:
            assert len(answers) < len(PATHS), f"every path asks {key} ({spec['when']})"
        given = [answer.recorded(key) for answer in answers]
        if "choices" in spec:
            taken = {v for g in given for v in (g if spec.get("multiselect") else [g])}
            assert taken == {value for _, value in choices(key)}, key
        if spec.get("type") == "bool":
            assert set(given) == {True, False}, key
        if "validator" in spec and spec.get("type") != "bool":
            assert any(isinstance(answer, Wrong) for answer in answers), key
    assert all(isinstance(answer, (_Enter, Accept)) for answer in PATHS["defaults"].values())


def test_each_question_is_recognised_by_its_help() -> None:
    starts = [prompt_text(key) for key in QUESTIONS]
    assert len(set(starts)) == len(starts)
    for key in QUESTIONS:
        others = [prompt_text(k) for k in QUESTIONS if k != key]
        assert not any(start in " ".join(str(QUESTIONS[key]["help"]).split()) for start in others)
