"""Queries over a CloudFormation template that hold for SAM's expansion and CDK's synthesis alike.

Tests find resources by type and properties, never by logical id, so the same assertions
check both tools' output.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

Resource = dict[str, Any]
XRAY_ACTIONS = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
}
# Step Functions' log delivery to CloudWatch Logs supports no resource-level permissions.
LOG_DELIVERY_ACTIONS = {
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}


def resources(template: dict[str, Any], resource_type: str) -> dict[str, Resource]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def only(template: dict[str, Any], resource_type: str) -> tuple[str, Resource]:
    found = resources(template, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.items()))


def function_with_handler(template: dict[str, Any], handler: str) -> Resource:
    matches = [
        resource
        for resource in resources(template, "AWS::Lambda::Function").values()
        if resource["Properties"].get("Handler") == handler
    ]
    assert len(matches) == 1, f"expected one function with handler {handler}"
    return matches[0]


def http_routes(template: dict[str, Any]) -> dict[str, str]:
    """Route key ("GET /items") -> authorization type ("AWS_IAM", "JWT" or "NONE").

    CDK declares routes as AWS::ApiGatewayV2::Route resources; SAM writes them into the
    API's OpenAPI body. Both forms are read, so one assertion holds for either tool.
    """
    routes = {
        route["Properties"]["RouteKey"]: route["Properties"].get("AuthorizationType", "NONE")
        for route in resources(template, "AWS::ApiGatewayV2::Route").values()
    }
    for api in resources(template, "AWS::ApiGatewayV2::Api").values():
        body = api["Properties"].get("Body", {})
        schemes = body.get("components", {}).get("securitySchemes", {})
        for path, operations in body.get("paths", {}).items():
            for method, operation in operations.items():
                names = [name for needed in operation.get("security", []) for name in needed]
                kinds = {_authorization_type(schemes[name]) for name in names} or {"NONE"}
                assert len(kinds) == 1, f"{method} {path} mixes authorizers: {kinds}"
                routes[f"{method.upper()} {path}"] = kinds.pop()
    return routes


def _authorization_type(scheme: dict[str, Any]) -> str:
    if scheme.get("x-amazon-apigateway-authtype") == "awsSigv4":
        return "AWS_IAM"
    if scheme.get("x-amazon-apigateway-authorizer", {}).get("type") == "jwt":
        return "JWT"
    raise AssertionError(f"unexpected security scheme {scheme}")


def ref_id(value: Any) -> str | None:
    """The logical id a Ref or Fn::GetAtt points at."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return str(target[0] if isinstance(target, list) else target.split(".")[0])
    return None


def arn_output(template: dict[str, Any], name: str) -> str:
    """The logical id whose ARN the one output named `name` gives (CDK adds a prefix and a suffix)."""
    values = [output["Value"] for key, output in template["Outputs"].items() if name in key]
    assert len(values) == 1, f"expected one output whose name contains {name}"
    target = values[0]["Fn::GetAtt"]
    logical_id, attribute = target if isinstance(target, list) else target.split(".", 1)
    assert attribute == "Arn", f"output {name} gives {attribute}, not the ARN"
    return str(logical_id)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_statements(template: dict[str, Any], role_id: str) -> list[dict[str, Any]]:
    """Every statement granted to a role, inline or through attached AWS::IAM::Policy resources."""
    role = template["Resources"][role_id]["Properties"]
    documents = [policy["PolicyDocument"] for policy in role.get("Policies", [])]
    for policy in resources(template, "AWS::IAM::Policy").values():
        if role_id in {ref_id(r) for r in policy["Properties"].get("Roles", [])}:
            documents.append(policy["Properties"]["PolicyDocument"])
    return [statement for document in documents for statement in _as_list(document["Statement"])]


def function_statements(template: dict[str, Any], function: Resource) -> list[dict[str, Any]]:
    role_id = ref_id(function["Properties"]["Role"])
    assert role_id is not None
    return role_statements(template, role_id)


def actions_on(statements: list[dict[str, Any]], logical_id: str) -> set[str]:
    """Actions granted on a resource (or on a path under it)."""
    granted: set[str] = set()
    for statement in statements:
        targets = _as_list(statement["Resource"])
        if any(logical_id in str(target) for target in targets):
            granted.update(_as_list(statement["Action"]))
    return granted


def assert_least_privilege(
    statements: list[dict[str, Any]], allowed_on_any: frozenset[str] = frozenset()
) -> None:
    """No wildcard actions; `*` resources only for actions without resource-level scoping.

    Those are X-Ray's, and the `allowed_on_any` a test names with its reason.
    """
    for statement in statements:
        actions = set(_as_list(statement["Action"]))
        assert not any("*" in action for action in actions), statement
        if "*" in _as_list(statement["Resource"]):
            assert actions <= XRAY_ACTIONS | allowed_on_any, statement


def tls_only_resources(template: dict[str, Any], policy_type: str) -> set[str]:
    """Logical ids that a policy of `policy_type` denies to requests without TLS."""
    denied: set[str] = set()
    for policy in resources(template, policy_type).values():
        for statement in _as_list(policy["Properties"]["PolicyDocument"]["Statement"]):
            secure = statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
            if statement["Effect"] == "Deny" and secure in ("false", False):
                denied |= _referenced_ids(statement["Resource"])
    return denied


def _referenced_ids(value: Any) -> set[str]:
    """Every logical id a Ref, GetAtt, Sub or Join inside `value` names."""
    found: set[str] = set()
    if isinstance(value, dict):
        if (direct := ref_id(value)) is not None:
            found.add(direct)
        for key, inner in value.items():
            if key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                found.update(part.split("}")[0].split(".")[0] for part in text.split("${")[1:])
                if isinstance(inner, list):
                    found |= _referenced_ids(inner[1])
            else:
                found |= _referenced_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _referenced_ids(inner)
    return found


class UnresolvedError(ValueError):
    """A value that depends on a resource (its generated name, an attribute) or the account."""


# What each pseudo parameter but AWS::StackName resolves to offline: one value for every stage,
# so that a name can only differ between stages through the stack's name (or the stage).
PSEUDO = {
    "AWS::AccountId": "123456789012",
    "AWS::Region": "region",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NoValue": None,
}
SAME_STACK_ID = "00000000-0000-0000-0000-000000000000"


def condition_holds(template: dict[str, Any], name: str) -> bool:
    """Whether the template's condition `name` holds with its parameters' defaults."""
    return _holds(template, template["Conditions"][name])


def _holds(template: dict[str, Any], condition: dict[str, Any]) -> bool:
    ((function, arguments),) = condition.items()
    if function == "Condition":
        return condition_holds(template, arguments)
    if function == "Fn::Equals":
        left, right = (resolve(argument, template, "") for argument in arguments)
        return bool(str(left) == str(right))
    if function == "Fn::Not":
        return not _holds(template, arguments[0])
    if function == "Fn::And":
        return all(_holds(template, argument) for argument in arguments)
    if function == "Fn::Or":
        return any(_holds(template, argument) for argument in arguments)
    raise UnresolvedError(f"condition {function}")


def resolve(value: Any, template: dict[str, Any], stack: str) -> Any:
    """`value` as deployed in the stack named `stack`, with the template's parameter defaults.

    Raises UnresolvedError when it depends on a resource or on what only AWS knows.
    """
    if isinstance(value, list):
        return [resolve(item, template, stack) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) != 1 or not next(iter(value)).startswith(("Ref", "Fn::")):
        return {key: resolve(item, template, stack) for key, item in value.items()}
    ((function, arguments),) = value.items()
    if function == "Ref":
        return _reference(arguments, template, stack)
    if function not in _FUNCTIONS:
        raise UnresolvedError(function)
    return _FUNCTIONS[function](arguments, template, stack)


def _sub(arguments: Any, template: dict[str, Any], stack: str) -> str:
    text, variables = (arguments, {}) if isinstance(arguments, str) else arguments
    values = {name: resolve(item, template, stack) for name, item in variables.items()}

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        return str(values[name] if name in values else _reference(name, template, stack))

    return re.sub(r"\$\{([^}]+)\}", substitute, text)


def _join(arguments: Any, template: dict[str, Any], stack: str) -> str:
    separator, items = arguments
    return str(separator).join(str(item) for item in resolve(items, template, stack))


def _split(arguments: Any, template: dict[str, Any], stack: str) -> list[str]:
    separator, text = arguments
    return str(resolve(text, template, stack)).split(separator)


def _select(arguments: Any, template: dict[str, Any], stack: str) -> Any:
    index, items = arguments
    return resolve(items, template, stack)[int(resolve(index, template, stack))]


def _if(arguments: Any, template: dict[str, Any], stack: str) -> Any:
    condition, if_true, if_false = arguments
    return resolve(if_true if condition_holds(template, condition) else if_false, template, stack)


_FUNCTIONS = {
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Split": _split,
    "Fn::Select": _select,
    "Fn::If": _if,
}


def _reference(name: str, template: dict[str, Any], stack: str) -> Any:
    if name == "AWS::StackName":
        return stack
    if name == "AWS::StackId":
        return f"arn:aws:cloudformation:region:123456789012:stack/{stack}/{SAME_STACK_ID}"
    if name in PSEUDO:
        return PSEUDO[name]
    parameter = template.get("Parameters", {}).get(name, {})
    if "Default" in parameter and not str(parameter.get("Type", "")).startswith("AWS::"):
        return parameter["Default"]
    raise UnresolvedError(f"Ref {name}")


def as_text(value: Any) -> str:
    """A string built with intrinsic functions, each reference kept as `${Id}` or `${Id.Attribute}`.

    Reads a dashboard body however the tool wrote it: Fn::Join (CDK), Fn::Sub or
    Fn::ToJsonString (SAM with the AWS::LanguageExtensions transform).
    """
    if isinstance(value, dict) and len(value) == 1:
        ((function, arguments),) = value.items()
        if function == "Fn::ToJsonString":
            return json.dumps(_texts_within(arguments))
        if function == "Fn::Join":
            separator, items = arguments
            return str(separator).join(as_text(item) for item in items)
        if function == "Fn::Sub":
            text, variables = (arguments, {}) if isinstance(arguments, str) else arguments
            return re.sub(
                r"\$\{([^}!]+)\}",
                lambda match: as_text(variables.get(match.group(1), "${" + match.group(1) + "}")),
                text,
            )
        if function == "Ref":
            return "${" + str(arguments) + "}"
        if function == "Fn::GetAtt":
            target = arguments if isinstance(arguments, str) else ".".join(arguments)
            return "${" + target + "}"
    if isinstance(value, (dict, list)):
        raise UnresolvedError(f"not a string: {value}")
    return str(value)


def _texts_within(value: Any) -> Any:
    if (
        isinstance(value, dict)
        and len(value) == 1
        and next(iter(value)).startswith(("Ref", "Fn::"))
    ):
        return as_text(value)
    if isinstance(value, dict):
        return {key: _texts_within(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_texts_within(item) for item in value]
    return value


@dataclass(frozen=True)
class Watched:
    """One metric an alarm reads: its dimensions' values as logical ids where they reference one."""

    namespace: str
    name: str
    statistic: str
    dimensions: frozenset[tuple[str, str]]


def alarm_metrics(alarm: Resource) -> list[Watched]:
    """The metrics an alarm reads, alone (MetricName) or in metric math (Metrics)."""
    properties = alarm["Properties"]
    stats = [
        {
            **query["MetricStat"]["Metric"],
            "Statistic": query["MetricStat"]["Stat"],
        }
        for query in properties.get("Metrics", [])
        if "MetricStat" in query
    ]
    if "MetricName" in properties:
        stats.append(
            {
                **properties,
                "Statistic": properties.get("Statistic", properties.get("ExtendedStatistic")),
            }
        )
    return [
        Watched(
            namespace=stat["Namespace"],
            name=stat["MetricName"],
            statistic=str(stat["Statistic"]),
            dimensions=frozenset(
                (dimension["Name"], ref_id(dimension["Value"]) or as_text(dimension["Value"]))
                for dimension in stat.get("Dimensions", [])
            ),
        )
        for stat in stats
    ]


def alarms_on(
    template: dict[str, Any], namespace: str, name: str, **dimensions: str
) -> dict[str, Resource]:
    """The alarms reading metric `name` of `namespace` with (at least) these dimension values."""
    wanted = set(dimensions.items())
    return {
        logical_id: alarm
        for logical_id, alarm in resources(template, "AWS::CloudWatch::Alarm").items()
        if any(
            metric.namespace == namespace and metric.name == name and wanted <= metric.dimensions
            for metric in alarm_metrics(alarm)
        )
    }


def package_functions(template: dict[str, Any], package: str) -> dict[str, Resource]:
    """The functions running this project's code (not a tool's own helpers)."""
    return {
        logical_id: function
        for logical_id, function in resources(template, "AWS::Lambda::Function").items()
        if str(function["Properties"].get("Handler", "")).startswith(f"{package}.")
    }


def invoked_function(template: dict[str, Any], target: Any) -> tuple[str, str | None]:
    """(function id, alias id or None) that an invoker's FunctionName or ARN points at."""
    logical_id = ref_id(target)
    if logical_id is None:
        text = as_text(target)
        logical_id = text.removeprefix("${").split("}")[0].split(".")[0]
    resource = template["Resources"].get(logical_id, {})
    if resource.get("Type") == "AWS::Lambda::Alias":
        function_id = ref_id(resource["Properties"]["FunctionName"])
        assert function_id is not None
        return function_id, logical_id
    return logical_id, None
