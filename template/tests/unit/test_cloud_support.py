"""The cloud tests' support code, offline: signing, the HTTP client, outputs and bounded polling.

The client is exercised against an HTTP server on this machine's loopback interface; nothing
reaches AWS.
"""

import json
import re
import threading
from collections.abc import Iterator
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import botocore.auth
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import ReadOnlyCredentials
from botocore.stub import Stubber

from tests.cloud.support import (
    ApiClient,
    MissingOutputError,
    Outputs,
    PollTimeoutError,
    bearer,
    poll,
    sigv4,
    stack_outputs,
)

CREDENTIALS = ReadOnlyCredentials("AKIDCLOUDTEST", "secret-key-for-tests", "session-token")
REGION = "eu-west-1"
FROZEN = datetime(2026, 11, 26, 12, 0, 0)  # botocore signs with a naive UTC time
AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=AKIDCLOUDTEST/20261126/eu-west-1/execute-api/aws4_request, "
    r"SignedHeaders=(?P<headers>[a-z0-9;-]+), Signature=[0-9a-f]{64}"
)


@pytest.fixture
def frozen_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *args, **kwargs: FROZEN)


def signed_by_botocore(method: str, url: str, data: bytes | None, headers: dict[str, str]) -> str:
    request = AWSRequest(method=method, url=url, data=data, headers=headers)
    SigV4Auth(CREDENTIALS, "execute-api", REGION).add_auth(request)
    return str(request.headers["Authorization"])


@pytest.mark.usefixtures("frozen_time")
def test_sigv4_signs_for_execute_api_in_the_region_as_botocore_does() -> None:
    request = AWSRequest(method="GET", url="https://api.example.com/items?limit=5", headers={})

    sigv4(CREDENTIALS, REGION)(request)

    authorization = str(request.headers["Authorization"])
    shape = AUTHORIZATION.fullmatch(authorization)
    assert shape, authorization
    assert {"host", "x-amz-date", "x-amz-security-token"} <= set(shape["headers"].split(";"))
    assert request.headers["X-Amz-Date"] == "20261126T120000Z"
    assert request.headers["X-Amz-Security-Token"] == "session-token"
    assert authorization == signed_by_botocore(
        "GET", "https://api.example.com/items?limit=5", None, {}
    )


def test_bearer_sends_the_token() -> None:
    request = AWSRequest(method="GET", url="https://api.example.com/items", headers={})

    bearer("a.b.c")(request)

    assert request.headers["Authorization"] == "Bearer a.b.c"


class Recorder(BaseHTTPRequestHandler):
    """Answers every request with JSON describing it; /missing answers 404."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else None
        status = HTTPStatus.NOT_FOUND if self.path == "/missing" else HTTPStatus.OK
        answer = json.dumps(
            {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A local HTTP server's base URL (loopback only)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.mark.usefixtures("frozen_time")
def test_the_client_sends_json_with_the_signature_of_exactly_what_it_sends(server: str) -> None:
    client = ApiClient(server, sigv4(CREDENTIALS, REGION))

    response = client.post("/items", {"name": "x"})

    assert response.status == HTTPStatus.OK
    seen = response.json()
    assert (seen["method"], seen["path"], json.loads(seen["body"])) == (
        "POST",
        "/items",
        {"name": "x"},
    )
    assert seen["headers"]["Content-Type"] == "application/json"
    expected = signed_by_botocore(
        "POST",
        f"{server}/items",
        b'{"name": "x"}',
        {"Accept": "application/json", "Content-Type": "application/json"},
    )
    assert seen["headers"]["Authorization"] == expected


def test_an_unsigned_client_sends_no_authorization(server: str) -> None:
    seen = ApiClient(server + "/").get("items").json()

    assert seen["path"] == "/items"
    assert "Authorization" not in seen["headers"]


def test_an_error_status_is_an_answer_not_an_exception(server: str) -> None:
    response = ApiClient(server, bearer("t")).delete("/missing")

    assert response.status == HTTPStatus.NOT_FOUND
    assert response.json()["headers"]["Authorization"] == "Bearer t"


def test_the_client_refuses_a_url_that_is_not_http() -> None:
    with pytest.raises(ValueError, match="https://"):
        ApiClient("file:///etc/passwd")


def test_a_missing_output_names_the_stack_and_the_outputs_it_has() -> None:
    outputs = Outputs("svc-dev", {"HttpApiUrl": "https://x", "EventBusName": "bus"})

    assert outputs["HttpApiUrl"] == "https://x"
    with pytest.raises(MissingOutputError, match="svc-dev has no output 'RawBucketName'") as error:
        outputs["RawBucketName"]
    assert "EventBusName, HttpApiUrl" in str(error.value)


def test_outputs_are_read_from_the_stack() -> None:
    client = boto3.client("cloudformation", region_name=REGION)
    described = {
        "Stacks": [
            {
                "StackName": "svc-dev",
                "CreationTime": FROZEN,
                "StackStatus": "UPDATE_COMPLETE",
                "Outputs": [{"OutputKey": "HttpApiUrl", "OutputValue": "https://x"}],
            }
        ]
    }
    with Stubber(client) as stub:
        stub.add_response("describe_stacks", described, {"StackName": "svc-dev"})
        outputs = stack_outputs(client, "svc-dev")

    assert outputs == Outputs("svc-dev", {"HttpApiUrl": "https://x"})


class Clock:
    """A clock that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_poll_returns_the_first_answer_that_is_not_none() -> None:
    clock, answers = Clock(), iter([None, None, 0])

    result = poll(
        lambda: next(answers), timeout=30, interval=5, what="x", clock=clock, sleep=clock.sleep
    )

    assert result == 0, "falsy answers count; only None means not yet"
    assert clock.sleeps == [5, 5]


def test_poll_times_out_with_what_it_waited_for_within_its_bound() -> None:
    clock, checks = Clock(), []

    def never() -> None:
        checks.append(clock.now)

    with pytest.raises(PollTimeoutError) as error:
        poll(never, timeout=10, interval=3, what="the copy", clock=clock, sleep=clock.sleep)

    assert str(error.value) == "the copy: not seen within 10 s (5 checks, 3 s apart)"
    assert clock.sleeps == [3, 3, 3, 1], "the last sleep ends at the deadline, not past it"
    assert checks == [100, 103, 106, 109, 110], "the last check is at the deadline"


def test_poll_lets_a_failing_check_fail() -> None:
    def broken() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        poll(broken, timeout=10, interval=1, what="x")


@pytest.mark.parametrize(("timeout", "interval"), [(0, 1), (10, 0), (-1, 1)])
def test_poll_needs_a_positive_bound_and_interval(timeout: float, interval: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        poll(lambda: 1, timeout=timeout, interval=interval, what="x")
