"""Sample events carry what AWS sets, and agree with themselves, so handlers meet them as deployed.

SQS sets a record's md5OfBody from its body; API Gateway names the route it matched, the method and
the path; stream and queue ARNs name the region and account the record comes from. A sample edited
(or added) without its AWS-set fields fails here, naming the file.
"""

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

from tests.helpers import EVENTS

SAMPLES: dict[str, Any] = {
    str(path.relative_to(EVENTS)): json.loads(path.read_text())
    for path in sorted(EVENTS.rglob("*.json"))
}
ARN = re.compile(r"arn:aws:(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):(?P<account>\d*):")
API_DOMAIN = re.compile(r"(?P<api>[a-z0-9]+)\.execute-api\.(?P<region>[a-z0-9-]+)\.amazonaws\.com")


def records(source: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(sample, record) for each record an event source mapping passes ("aws:sqs", "aws:dynamodb")."""
    for name, event in SAMPLES.items():
        for record in event.get("Records", []) if isinstance(event, dict) else []:
            if record.get("eventSource") == source:
                yield name, record


def http_requests() -> Iterator[tuple[str, dict[str, Any]]]:
    """(sample, event) for each HTTP API request (payload format 2.0)."""
    for name, event in SAMPLES.items():
        if isinstance(event, dict) and event.get("version") == "2.0" and "routeKey" in event:
            yield name, event


def test_sqs_records_carry_the_md5_of_their_body() -> None:
    for name, record in records("aws:sqs"):
        digest = hashlib.md5(record["body"].encode(), usedforsecurity=False).hexdigest()

        assert record["md5OfBody"] == digest, f"{name}: md5OfBody of this body is {digest}"


def test_sqs_records_carry_attributes_as_sqs_sets_them() -> None:
    for name, record in records("aws:sqs"):
        attributes = record["attributes"]

        assert all(isinstance(value, str) for value in attributes.values()), name
        assert int(attributes["ApproximateReceiveCount"]) >= 1, name
        assert int(attributes["SentTimestamp"]) <= int(
            attributes["ApproximateFirstReceiveTimestamp"]
        ), f"{name}: received before it was sent"
        arn = ARN.match(record["eventSourceARN"])
        assert arn, f"{name}: eventSourceARN is not an ARN"
        assert arn["service"] == "sqs", name
        assert arn["region"] == record["awsRegion"], f"{name}: queue and record regions differ"


def test_stream_records_name_their_stream_and_follow_its_order() -> None:
    stream_arn = re.compile(
        r"arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table/[\w.-]+/stream/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}"
    )
    previous: dict[str, tuple[int, int]] = {}
    for name, record in records("aws:dynamodb"):
        change = record["dynamodb"]
        position = (int(change["SequenceNumber"]), change["ApproximateCreationDateTime"])

        arn = ARN.match(record["eventSourceARN"])
        assert arn, f"{name}: eventSourceARN is not an ARN"
        assert stream_arn.fullmatch(arn.string), f"{name}: not a stream ARN"
        assert arn["region"] == record["awsRegion"], f"{name}: stream and record regions differ"
        for image in ("NewImage", "OldImage"):
            for key, value in change["Keys"].items() if image in change else ():
                assert change[image][key] == value, f"{name}: key {key} differs in {image}"
        if change["StreamViewType"] == "NEW_IMAGE":
            assert "OldImage" not in change, f"{name}: a NEW_IMAGE stream sends no old image"
        if (seen := previous.get(name)) is not None:
            assert position[0] > seen[0], f"{name}: sequence numbers must increase"
            assert position[1] >= seen[1], f"{name}: records must not go back in time"
        previous[name] = position


def test_http_requests_agree_with_the_route_they_name() -> None:
    for name, event in http_requests():
        context = event["requestContext"]
        method, template = event["routeKey"].split(" ", 1)
        pattern = re.sub(
            r"\\\{(\w+)(\\\+)?\\\}",
            lambda part: f"(?P<{part[1]}>{'.+' if part[2] else '[^/]+'})",
            re.escape(template),
        )
        path = event["rawPath"]
        if context["stage"] != "$default":
            path = path.removeprefix(f"/{context['stage']}")
        matched = re.fullmatch(pattern, path)

        assert context["routeKey"] == event["routeKey"], name
        assert context["http"]["method"] == method, f"{name}: method and route key differ"
        assert context["http"]["path"] == event["rawPath"], f"{name}: http.path and rawPath differ"
        assert matched, f"{name}: rawPath {path} is not a path of {template}"
        parameters = {key: unquote(value) for key, value in matched.groupdict().items()}
        assert (event.get("pathParameters") or {}) == parameters, name
        query = dict(parse_qsl(event["rawQueryString"]))
        assert (event.get("queryStringParameters") or {}) == query, name


def test_http_request_bodies_agree_with_their_encoding() -> None:
    for name, event in http_requests():
        body = event.get("body")
        if body is None:
            continue
        if event["isBase64Encoded"]:
            try:
                base64.b64decode(body, validate=True)
            except binascii.Error as error:
                raise AssertionError(f"{name}: isBase64Encoded, but the body is not") from error
        elif "json" in event["headers"].get("content-type", ""):
            json.loads(body)


def test_http_request_contexts_name_their_api_and_time() -> None:
    for name, event in http_requests():
        context = event["requestContext"]
        domain = API_DOMAIN.fullmatch(context["domainName"])
        stamped = datetime.strptime(context["time"], "%d/%b/%Y:%H:%M:%S %z")

        assert domain, f"{name}: not an execute-api domain"
        assert domain["api"] == context["apiId"] == context["domainPrefix"], name
        assert event["headers"]["host"] == context["domainName"], name
        assert int(stamped.timestamp()) == context["timeEpoch"] // 1000, f"{name}: time differs"


def test_every_sample_comes_from_one_region_and_one_account() -> None:
    regions: dict[str, set[str]] = {}
    accounts: dict[str, set[str]] = {}
    for name, event in SAMPLES.items():
        for key, value in _leaves(event):
            for arn in ARN.finditer(value):
                regions.setdefault(arn["region"], set()).add(name)
                accounts.setdefault(arn["account"], set()).add(name)
            if domain := API_DOMAIN.fullmatch(value):
                regions.setdefault(domain["region"], set()).add(name)
            if key in ("awsRegion", "region"):
                regions.setdefault(value, set()).add(name)
            if key in ("account", "accountId"):
                accounts.setdefault(value, set()).add(name)
    regions.pop("", None)  # S3 bucket ARNs name no region and no account
    accounts.pop("", None)

    assert len(regions) <= 1, f"samples from several regions: {_examples(regions)}"
    assert len(accounts) <= 1, f"samples from several accounts: {_examples(accounts)}"


def _examples(found: dict[str, set[str]]) -> dict[str, str]:
    return {value: f"{len(names)} samples, e.g. {min(names)}" for value, names in found.items()}


def _leaves(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, text) for every string in `value`, also inside JSON text (an SQS body, say)."""
    if isinstance(value, dict):
        for child_key, child in value.items():
            yield from _leaves(child, child_key)
    elif isinstance(value, list):
        for child in value:
            yield from _leaves(child, key)
    elif isinstance(value, str):
        yield key, value
        if value.startswith("{"):
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError:
                return
            yield from _leaves(parsed)
