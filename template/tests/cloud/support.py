"""What the cloud tests share: the stack's outputs, an HTTP client for the API, bounded polling.

The tests run against a deployed stage (`make cloud-test STAGE=<name>`). Nothing here needs a
dependency beyond boto3: requests are sent with urllib and, when the API takes IAM
authorization, signed with botocore's SigV4 signer.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

if TYPE_CHECKING:
    from botocore.credentials import Credentials, ReadOnlyCredentials
    from mypy_boto3_cloudformation.client import CloudFormationClient

T = TypeVar("T")
# Adds authorization to a request just before it is sent (SigV4, a bearer token, or nothing).
Signer = Callable[[AWSRequest], None]
SCHEMES = ("https", "http")  # http only for a test server on this machine


class MissingOutputError(LookupError):
    """The stack has no output of that name: it was deployed from another version of the project."""


class PollTimeoutError(AssertionError):
    """What the test waited for did not happen within its bound."""


@dataclass(frozen=True, slots=True)
class Outputs:
    """A stack's outputs by name; a missing one is reported with the names the stack does have."""

    stack: str
    values: Mapping[str, str]

    def __getitem__(self, name: str) -> str:
        if name not in self.values:
            raise MissingOutputError(
                f"Stack {self.stack} has no output {name!r} (it has: "
                f"{', '.join(sorted(self.values)) or 'none'}); deploy this version of the "
                f"project to the stage first, e.g. make deploy STAGE=<stage>"
            )
        return self.values[name]


def stack_outputs(cloudformation: "CloudFormationClient", stack: str) -> Outputs:
    """The outputs of the deployed stack `stack`, read with DescribeStacks."""
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    values = {
        output["OutputKey"]: output["OutputValue"]
        for output in described.get("Outputs", [])
        if "OutputKey" in output and "OutputValue" in output
    }
    return Outputs(stack, values)


def sigv4(
    credentials: "Credentials | ReadOnlyCredentials", region: str, service: str = "execute-api"
) -> Signer:
    """A signer for AWS Signature Version 4 (IAM authorization of API Gateway: execute-api)."""

    def sign(request: AWSRequest) -> None:
        SigV4Auth(credentials, service, region).add_auth(request)

    return sign


def bearer(token: str) -> Signer:
    """A signer that sends `token` as a bearer token (a JWT authorizer reads it)."""

    def sign(request: AWSRequest) -> None:
        request.headers["Authorization"] = f"Bearer {token}"

    return sign


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True, slots=True)
class ApiClient:
    """Sends JSON requests to paths under `base_url`, each signed by `sign` (None: unsigned)."""

    base_url: str
    sign: Signer | None = None
    timeout: float = 30.0
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        scheme = urllib.parse.urlsplit(self.base_url).scheme
        if scheme not in SCHEMES:
            raise ValueError(f"The API URL must be https://..., not {self.base_url!r}")

    def request(self, method: str, path: str, body: Any = None) -> Response:
        url = self.base_url.rstrip("/") + "/" + path.lstrip("/")
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/json", **self.headers}
        if data is not None:
            headers["Content-Type"] = "application/json"
        prepared = AWSRequest(method=method, url=url, data=data, headers=headers)
        if self.sign is not None:
            self.sign(prepared)
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __post_init__
            url, data=data, headers=dict(prepared.headers.items()), method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return Response(answer.status, dict(answer.headers.items()), answer.read())
        except urllib.error.HTTPError as error:  # 4xx and 5xx answers are results, not failures
            with error:
                return Response(error.code, dict(error.headers.items()), error.read())

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, body: Any = None) -> Response:
        return self.request("POST", path, body)

    def put(self, path: str, body: Any) -> Response:
        return self.request("PUT", path, body)

    def patch(self, path: str, body: Any) -> Response:
        return self.request("PATCH", path, body)

    def delete(self, path: str) -> Response:
        return self.request("DELETE", path)


# A TypeVar, not `def poll[T]`: the template's own tests compile this file with Python 3.11 too.
def poll(  # noqa: UP047
    check: Callable[[], T | None],
    *,
    timeout: float,
    interval: float,
    what: str,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call `check` until it returns something other than None, for at most `timeout` seconds.

    Checks `interval` seconds apart; the last check happens at the deadline, never after it
    plus an interval. On timeout, PollTimeoutError says what was awaited, for how long, how
    many checks were made, and what the last one returned.
    """
    if timeout <= 0 or interval <= 0:
        raise ValueError("timeout and interval must be positive")
    deadline = clock() + timeout
    checks = 0
    while True:
        result = check()
        checks += 1
        if result is not None:
            return result
        remaining = deadline - clock()
        if remaining <= 0:
            raise PollTimeoutError(
                f"{what}: not seen within {timeout:g} s ({checks} checks, {interval:g} s apart)"
            )
        sleep(min(interval, remaining))
