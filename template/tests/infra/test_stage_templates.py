"""Two stages live side by side in one account and region, and each keeps what its kind keeps.

`templates` holds what the default stage and a production-like one deploy
(tests/infra/synthesize.py). Every physical name the project sets, rather than leaving it to
CloudFormation, carries the stage (through the stack's name "<slug>-<stage>" or the stage
itself), so the two stages' names never meet. A production-like stage retains its tables,
buckets, log groups and key; any other stage retains nothing and deletes cleanly.
"""

from typing import Any

import pytest

from infra.stages import (
    DEFAULT_PRODUCTION_STAGES,
    DEFAULT_STAGE,
    is_production_like,
    production_stages,
    stack_name,
)
from tests.infra.cfn import UnresolvedError, resolve, resources

PRODUCTION = "prod"
POLICIES = ("DeletionPolicy", "UpdateReplacePolicy")
# What a production-like stage keeps when its stack goes or replaces them: its data, its logs
# and the key that encrypts them.
KEPT = ("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::Logs::LogGroup", "AWS::KMS::Key")
# Properties whose names end in "Name" without naming the resource itself, or whose value need
# not be unique in the account and region, with the reason.
NOT_NAMES = {
    ("AWS::ApiGatewayV2::Stage", "StageName"): "$default, the API's own stage",
    ("AWS::CloudWatch::Alarm", "MetricName"): "the metric the alarm watches",
    ("AWS::CodeDeploy::DeploymentGroup", "DeploymentConfigName"): "CodeDeploy's rollout to follow",
    ("AWS::EC2::VPCEndpoint", "ServiceName"): "the AWS service the endpoint reaches",
    ("AWS::ElastiCache::User", "UserName"): "the name a client logs in as, within its user group",
    ("AWS::IAM::Policy", "PolicyName"): "an inline policy's name, unique within its role only",
    ("AWS::Lambda::Alias", "Name"): "live, every function's alias, unique within its function",
}
# Properties that name the resource although their names do not end in "Name".
NAMES = {"UserId", "UserGroupId", "Family"}


def physical_names(template: dict[str, Any], stack: str) -> dict[str, str]:
    """Each name the template sets itself, by "<logical id>.<property>".

    A name built from a resource (a reference to a function, a generated name) is left out:
    CloudFormation makes those unique.
    """
    names = {}
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        candidates = {
            key: value
            for key, value in properties.items()
            if (key.endswith("Name") or key in NAMES) and (resource["Type"], key) not in NOT_NAMES
        }
        if resource["Type"] == "AWS::Glue::Database":
            candidates["DatabaseInput.Name"] = properties["DatabaseInput"]["Name"]
        for key, value in candidates.items():
            try:
                name = resolve(value, template, stack)
            except UnresolvedError:
                continue
            names[f"{logical_id}.{key}"] = str(name)
    return names


@pytest.fixture(scope="module")
def names(templates: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Stage -> its physical names."""
    return {
        stage: physical_names(template, stack_name(stage)) for stage, template in templates.items()
    }


def test_the_stages_are_the_default_one_and_a_production_like_one(
    templates: dict[str, dict[str, Any]],
) -> None:
    production = production_stages(DEFAULT_PRODUCTION_STAGES)
    assert set(templates) == {DEFAULT_STAGE, PRODUCTION}
    assert not is_production_like(DEFAULT_STAGE, production)
    assert is_production_like(PRODUCTION, production)


def test_both_stages_name_the_same_resources(names: dict[str, dict[str, str]]) -> None:
    assert set(names[DEFAULT_STAGE]) == set(names[PRODUCTION])


@pytest.mark.parametrize("stage", [DEFAULT_STAGE, PRODUCTION])
def test_every_name_the_project_sets_carries_the_stage(
    names: dict[str, dict[str, str]], stage: str
) -> None:
    stack = stack_name(stage)
    forms = {stack, stack.replace("-", ""), stack.replace("-", "_"), f"-{stage}-"}
    without = {
        where: name for where, name in names[stage].items() if not any(f in name for f in forms)
    }
    assert not without, f"names that do not derive from the stack {stack} or its stage"


def test_no_name_is_the_same_in_two_stages(names: dict[str, dict[str, str]]) -> None:
    production = set(names[PRODUCTION].values())
    shared = {where: name for where, name in names[DEFAULT_STAGE].items() if name in production}
    assert not shared, "these names would clash between two stages in one account and region"


def test_a_stage_that_is_not_production_like_retains_nothing(
    templates: dict[str, dict[str, Any]],
) -> None:
    template = templates[DEFAULT_STAGE]
    retained = {
        f"{logical_id}.{attribute}": resource[attribute]
        for logical_id, resource in template["Resources"].items()
        for attribute in POLICIES
        if resource.get(attribute, "Delete") != "Delete"
    }
    protected = [
        logical_id
        for logical_id, table in resources(template, "AWS::DynamoDB::Table").items()
        if resolve(table["Properties"].get("DeletionProtectionEnabled"), template, "") is True
    ]
    assert not retained, "CloudFormation would leave these behind when the stage is destroyed"
    assert not protected, "deletion protection would stop the stage's stack from being deleted"


def test_a_production_like_stage_retains_its_tables_buckets_log_groups_and_key(
    templates: dict[str, dict[str, Any]],
) -> None:
    template = templates[PRODUCTION]
    kept = {
        logical_id: resource
        for kind in KEPT
        for logical_id, resource in resources(template, kind).items()
    }
    not_retained = {
        f"{logical_id}.{attribute}": resource.get(attribute, "Delete")
        for logical_id, resource in kept.items()
        for attribute in POLICIES
        if resource.get(attribute) != "Retain"
    }
    tables = resources(template, "AWS::DynamoDB::Table")
    unprotected = [
        logical_id
        for logical_id, table in tables.items()
        if resolve(table["Properties"].get("DeletionProtectionEnabled"), template, "") is not True
    ]
    assert resources(template, "AWS::KMS::Key")
    assert not not_retained, "a production-like stage would lose these with its stack"
    assert not unprotected, "a production-like stage's tables need deletion protection"


@pytest.mark.parametrize("stage", [DEFAULT_STAGE, PRODUCTION])
def test_every_stage_can_recover_its_tables_to_a_point_in_time(
    templates: dict[str, dict[str, Any]], stage: str
) -> None:
    """Point-in-time recovery stays on in every stage: what CI deploys and tests for a pull
    request differs from production only in what the stack keeps."""
    tables = resources(templates[stage], "AWS::DynamoDB::Table")
    assert all(
        table["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
        for table in tables.values()
    )
