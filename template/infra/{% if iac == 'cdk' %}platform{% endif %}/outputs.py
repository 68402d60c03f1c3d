"""Stack outputs named exactly as SAM names them.

The cloud tests, scripts and runbooks read one set of names whichever tool deployed the stack;
CDK would otherwise prefix an output with its construct path and suffix a hash.
"""

from aws_cdk import CfnOutput
from constructs import Construct


def output(scope: Construct, name: str, value: str, description: str | None = None) -> None:
    """The stack output `name` holding `value`."""
    CfnOutput(scope, name, value=value, description=description).override_logical_id(name)


def service_prefix(service: str) -> str:
    """The prefix of a microservice's outputs: "stock_levels" -> "StockLevelsService"."""
    return "".join(part.capitalize() for part in service.split("_")) + "Service"
