"""What serves one service's routes, whatever runs it (a function or containers)."""

from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_iam as iam


def title(service: str) -> str:
    """The service's name in title case ("stock_levels" -> "StockLevels"): ids, event types."""
    return "".join(part.capitalize() for part in service.split("_"))


class Server:
    """Routes on the shared HTTP API to one integration, and the identity the code runs as."""

    def __init__(
        self,
        runner: iam.IGrantable,
        api: apigwv2.HttpApi,
        integration: apigwv2.HttpRouteIntegration,
    ) -> None:
        self.grant_principal = runner.grant_principal
        self._api = api
        self._integration = integration

    def route(self, method: apigwv2.HttpMethod, path: str) -> None:
        """Serve `method path` (authorized by the API's default authorizer)."""
        self._api.add_routes(path=path, methods=[method], integration=self._integration)
