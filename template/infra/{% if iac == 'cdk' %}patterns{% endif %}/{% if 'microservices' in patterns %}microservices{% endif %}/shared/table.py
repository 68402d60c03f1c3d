"""A table one service owns: only what that service is granted reaches it.

Its stream records every write: it is the service's outbox, which the relay publishes from.
"""

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.platform import Platform
from infra.platform.outputs import output, service_prefix
from infra.platform.policies import KEY_READ_WRITE, allow, statement
from infra.platform.tables import string_key


class OwnedTable(Construct):
    """`service`'s table of the platform's defaults, keyed by `id`, with a stream of its new items."""

    def __init__(
        self, scope: Construct, construct_id: str, platform: Platform, *, service: str
    ) -> None:
        super().__init__(scope, construct_id)
        self._platform = platform
        # "Default": CDK leaves it out of the logical id, which stays that of a table created
        # directly as `construct_id` (as before this wrapper existed), so no replacement.
        self.table = platform.table(
            self,
            "Default",
            partition_key=string_key("id"),
            stream=dynamodb.StreamViewType.NEW_IMAGE,
        )
        output(self, f"{service_prefix(service)}TableName", self.table.table_name)

    @property
    def table_name(self) -> str:
        return self.table.table_name

    @property
    def stream_arn(self) -> str:
        stream_arn = self.table.table_stream_arn
        if stream_arn is None:
            raise ValueError("An owned table always has a stream")
        return stream_arn

    def statements(self, actions: list[str]) -> list[iam.PolicyStatement]:
        """Exactly `actions` on this table, and the use of its key."""
        return [
            statement(actions, self.table.table_arn),
            self._platform.key_statement(KEY_READ_WRITE),
        ]

    def allow(self, grantee: iam.IGrantable, actions: list[str]) -> None:
        """Let `grantee` make exactly `actions` on this table (and use its key)."""
        allow(grantee, *self.statements(actions))
