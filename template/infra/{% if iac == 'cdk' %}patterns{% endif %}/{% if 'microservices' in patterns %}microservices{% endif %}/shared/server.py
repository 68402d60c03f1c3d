"""What serves one service's routes, whatever runs it (a function or containers)."""

from collections.abc import Iterable

from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_iam as iam

from infra.platform import Platform
from infra.platform.http_api import Route


def title(service: str) -> str:
    """The service's name in title case ("stock_levels" -> "StockLevels"): ids, event types."""
    return "".join(part.capitalize() for part in service.split("_"))


class Server:
    """Routes on the shared HTTP API to one integration, and the identity the code runs as."""

    def __init__(
        self,
        runner: iam.IGrantable,
        platform: Platform,
        integration: apigwv2.HttpRouteIntegration,
    ) -> None:
        self.grant_principal = runner.grant_principal
        self._platform = platform
        self._integration = integration

    def serve(self, routes: Iterable[Route]) -> None:
        """Serve each `(path, method)` (authorized by the API's default authorizer)."""
        self._platform.add_routes(self._integration, routes)
