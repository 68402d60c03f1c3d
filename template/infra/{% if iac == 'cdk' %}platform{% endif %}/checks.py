"""Findings of the checkers set aside on a resource, each with its written reason.

checkov and cfn-lint read their skips from the resource's metadata in the template; cdk-nag
takes acknowledgements while the app synthesizes. A reason says why the finding does not
apply here, for the reader of the code and of the template alike.
"""

from aws_cdk import Acknowledgment, CfnResource, Stack, Validations
from constructs import IConstruct

# cfn-lint W3005 on a resource that CDK makes depend on a role it also references (GetAtt).
ROLE_DEPENDENCY = "CDK makes the resource depend on its role construct, so that the role's policy exists before the resource uses it; the DependsOn entry of the role itself repeats the GetAtt: harmless, and written by CDK."


def _resource(construct: IConstruct) -> CfnResource:
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    if not isinstance(resource, CfnResource):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource to annotate")
    return resource


def skip_checkov(construct: IConstruct, reasons: dict[str, str]) -> None:
    """Record checkov skips, each with its reason, on the construct's CloudFormation resource."""
    resource = _resource(construct)
    skips = (resource.get_metadata("checkov") or {}).get("skip", [])
    skips += [{"id": check, "comment": reason} for check, reason in reasons.items()]
    resource.add_metadata("checkov", {"skip": skips})


def skip_cfn_lint(construct: IConstruct, reasons: dict[str, str]) -> None:
    """Record cfn-lint rules to skip on the construct's CloudFormation resource.

    cfn-lint reads `config.ignore_checks`; the reasons sit beside it, one per rule.
    """
    resource = _resource(construct)
    recorded = resource.get_metadata("cfn-lint") or {"config": {"ignore_checks": []}, "reasons": {}}
    resource.add_metadata(
        "cfn-lint",
        {
            "config": {"ignore_checks": [*recorded["config"]["ignore_checks"], *reasons]},
            "reasons": {**recorded["reasons"], **reasons},
        },
    )


def acknowledge(scope: IConstruct, reasons: dict[str, str]) -> None:
    """Acknowledge cdk-nag findings (full ids, e.g. `AwsSolutions::AwsSolutions-L1`) on `scope`."""
    Validations.of(scope).acknowledge(
        *(Acknowledgment(id=finding, reason=reason) for finding, reason in reasons.items())
    )


def wildcard_finding(construct: IConstruct, suffix: str) -> str:
    """cdk-nag's finding id for a grant on `<construct's ARN><suffix>`, e.g. `/prefix/*`."""
    resource = _resource(construct)
    stack = Stack.of(construct)
    logical_id = stack.resolve(stack.get_logical_id(resource))
    return f"AwsSolutions::AwsSolutions-IAM5[Resource::<{logical_id}.Arn>{suffix}]"
