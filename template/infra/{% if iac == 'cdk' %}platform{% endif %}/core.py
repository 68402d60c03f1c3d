"""The platform's core: the service key, and the one way to create a log group, a function, an alarm.

Every function and alarm of the service is created here, so that what each of them needs
(tracing, encryption, checker reasons, an alias, alarms that reach the alarm topic) is added in
one place. So is what a
stage keeps: a production-like stage (context "production_like", infra/synth.py) retains its
key, log groups, tables, buckets and repositories; any other stage deletes them with its stack.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from infra.package import artifact
from infra.platform.checks import ROLE_DEPENDENCY, acknowledge, skip_cfn_lint, skip_checkov
from infra.platform.monitoring import AT_OR_ABOVE, Monitoring, counted, name_of
from infra.platform.outputs import output
from infra.platform.policies import statement
from infra.platform.settings import (
    ARCHITECTURE,
    LATEST_LAMBDA_PYTHON,
    LOG_RETENTION,
    POWERTOOLS_LAYER_PARAMETER,
    PYTHON_VERSION,
    SERVICE,
    SNAP_START,
)
from infra.platform.thresholds import RUN_FAILURES, Threshold

LOGS_ENCRYPT = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
]
NO_VPC = "Reaches AWS services only over IAM-authenticated TLS; a VPC would add cold-start latency and NAT cost without protecting any private resource."
VPC_ACCESS_POLICY = "service-role/AWSLambdaVPCAccessExecutionRole"


@dataclass(frozen=True)
class Placement:
    """Where a function runs in a VPC: the VPC's isolated subnets, behind `security_group`."""

    vpc: ec2.IVpc
    security_group: ec2.ISecurityGroup


@dataclass(frozen=True)
class ServiceFunction:
    """A function, its alias `live` and its errors alarm.

    Every change publishes a version and moves the alias to it; whatever invokes the function
    (routes, event sources, state machines, rules) invokes the alias.
    """

    function: lambda_.Function
    alias: lambda_.Alias
    errors_alarm: cloudwatch.IAlarm
    name: str  # its name on the dashboard and in its alarms' names

    @property
    def grant_principal(self) -> iam.IPrincipal:
        return self.function.grant_principal


def _runtime() -> lambda_.Runtime:
    # A runtime built by name must say it supports SnapStart, or synthesis refuses it.
    return lambda_.Runtime(
        f"python{PYTHON_VERSION}", lambda_.RuntimeFamily.PYTHON, supports_snap_start=True
    )


def production_like(scope: Construct) -> bool:
    """Whether the app's stage keeps its data: the context value "production_like"."""
    value = scope.node.try_get_context("production_like")
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise ValueError(
        f"The context value production_like is {value!r}, not true or false: build the app "
        "with infra.synth.build_app, which sets it from the stage"
    )


class PlatformCore(Construct):
    """The service key and the factories every other platform piece and pattern builds on."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.stage = str(self.node.get_context("stage"))
        self.production_like = production_like(self)
        # What every resource holding data does when the stack goes or replaces it.
        self.removal_policy = (
            RemovalPolicy.RETAIN if self.production_like else RemovalPolicy.DESTROY
        )
        self.key = kms.Key(
            self,
            "ServiceKey",
            description=f"{SERVICE} data, queue and log encryption",
            enable_key_rotation=True,
            removal_policy=self.removal_policy,
            # A deleted stage's key goes after the shortest waiting period.
            pending_window=Duration.days(30 if self.production_like else 7),
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchLogsEncrypts",
                principals=[iam.ServicePrincipal(f"logs.{Aws.REGION}.{Aws.URL_SUFFIX}")],
                actions=LOGS_ENCRYPT,
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": (
                            f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:*"
                        )
                    }
                },
            )
        )
        output(
            self,
            "ServiceKeyArn",
            self.key.key_arn,
            "KMS key encrypting the service's data, queues and logs",
        )
        output(self, "Stage", self.stage, "The stage this stack is (its stack is <slug>-<stage>)")
        self.monitoring = Monitoring(self, "Monitoring", key=self.key)
        self._layers = [
            lambda_.LayerVersion.from_layer_version_arn(
                self,
                "Powertools",
                ssm.StringParameter.value_for_string_parameter(self, POWERTOOLS_LAYER_PARAMETER),
            )
        ]

    def section(self, title: str) -> None:
        """Start a pattern's section of the dashboard: what is created next is monitored under it."""
        self.monitoring.section(title)

    def key_statement(self, actions: Sequence[str]) -> iam.PolicyStatement:
        """Allow `actions` (policies.KEY_READ, KEY_READ_WRITE, KEY_DATA) on the service key."""
        return statement(actions, self.key.key_arn)

    def log_group(self, scope: Construct, construct_id: str) -> logs.LogGroup:
        """A log group encrypted with the service key, kept a year, retained by a production-like stage."""
        return logs.LogGroup(
            scope,
            construct_id,
            retention=LOG_RETENTION,
            encryption_key=self.key,
            removal_policy=self.removal_policy,
        )

    def function(
        self,
        scope: Construct,
        construct_id: str,
        *,
        handler: str,
        description: str,
        environment: dict[str, str],
        timeout_seconds: int = 10,
        placement: Placement | None = None,
    ) -> ServiceFunction:
        """A traced Python function with its own encrypted log group, a role scoped to it, its
        alias `live`, and its errors and throttles alarms.

        With a `placement`, the function runs in the VPC's isolated subnets behind its group.
        """
        log_group = self.log_group(scope, f"{construct_id}Logs")
        role = iam.Role(
            scope,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Runs {construct_id}",
        )
        role.add_to_policy(
            statement(["logs:CreateLogStream", "logs:PutLogEvents"], log_group.log_group_arn)
        )
        function = lambda_.Function(
            scope,
            construct_id,
            description=description,
            runtime=_runtime(),
            architecture=ARCHITECTURE,
            code=lambda_.Code.from_asset(str(artifact(handler))),
            handler=handler,
            memory_size=512,
            timeout=Duration.seconds(timeout_seconds),
            tracing=lambda_.Tracing.ACTIVE,
            layers=self._layers,
            role=role,
            log_group=log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            environment_encryption=self.key,
            environment={
                "POWERTOOLS_SERVICE_NAME": SERVICE,
                "POWERTOOLS_METRICS_NAMESPACE": SERVICE,
                "POWERTOOLS_LOG_LEVEL": "INFO",
                **environment,
            },
            vpc=None if placement is None else placement.vpc,
            vpc_subnets=None
            if placement is None
            else ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=None if placement is None else [placement.security_group],
            snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if SNAP_START else None,
        )
        alias = lambda_.Alias(
            scope, f"{construct_id}Alias", alias_name="live", version=function.current_version
        )
        name = name_of(scope, construct_id)
        errors_alarm = self.monitoring.function(function, name)
        reasons = {
            "CKV_AWS_115": "Callers are throttled upstream (API stage, queue batch size); reserved concurrency fails to deploy on accounts with low concurrency quotas.",
        }
        if placement is None:
            reasons["CKV_AWS_117"] = NO_VPC
        else:
            # A role given to a function gets no managed policies from CDK: add the one
            # that lets Lambda attach the function's network interfaces in the VPC.
            role.add_managed_policy(
                iam.ManagedPolicy.from_aws_managed_policy_name(VPC_ACCESS_POLICY)
            )
            acknowledge(
                role,
                {
                    f"AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{VPC_ACCESS_POLICY}]": "Lambda's own policy for the network interfaces of a function in a VPC; its EC2 actions support no resource-level scoping.",
                },
            )
        skip_checkov(function, reasons)
        skip_cfn_lint(
            function,
            {
                "WS1004": f"WS1004 looks for a log group named /aws/lambda/<function>; this function logs to {log_group.node.id} (with retention) through LoggingConfig, which the rule predates.",
                "W3005": ROLE_DEPENDENCY,
            },
        )
        acknowledge(
            role,
            {
                "AwsSolutions::AwsSolutions-IAM5[Resource::*]": "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions.",
            },
        )
        if PYTHON_VERSION != LATEST_LAMBDA_PYTHON:
            runtime_reason = f"The runtime is python{PYTHON_VERSION}, the version chosen when the project was generated; move with `copier update --data python_version=...`."
            acknowledge(
                function,
                {
                    "AwsSolutions::AwsSolutions-L1": runtime_reason,
                    "Serverless::Serverless-LambdaLatestVersion": runtime_reason,
                },
            )
        return ServiceFunction(function=function, alias=alias, errors_alarm=errors_alarm, name=name)

    def failed_runs(
        self,
        scope: Construct,
        construct_id: str,
        *,
        description: str,
        source: str,
        detail_type: str,
        detail: dict[str, list[str]],
    ) -> None:
        """`<construct_id>Alarm` on runs a service reports failed on the default event bus.

        The rule `<construct_id>Rule` matches the reports; the alarm counts its matches
        (TriggeredRules), so the rule needs no target.
        """
        rule = events.Rule(
            scope,
            f"{construct_id}Rule",
            description=f"Counted by {construct_id}Alarm",
            event_pattern=events.EventPattern(
                source=[source], detail_type=[detail_type], detail=detail
            ),
        )
        counted(rule)
        self.alarm(
            scope,
            f"{construct_id}Alarm",
            description=description,
            metric=cloudwatch.Metric(
                namespace="AWS/Events",
                metric_name="TriggeredRules",
                dimensions_map={"RuleName": rule.rule_name},
                statistic="Sum",
            ),
            threshold=RUN_FAILURES,
        )

    def alarm(
        self,
        scope: Construct,
        construct_id: str,
        *,
        description: str,
        metric: cloudwatch.Metric | cloudwatch.MathExpression,
        threshold: Threshold,
        comparison: cloudwatch.ComparisonOperator = AT_OR_ABOVE,
    ) -> cloudwatch.AlarmBase:
        """An alarm on `metric` with `threshold`'s numbers (thresholds.py), sent to the alarm topic."""
        return self.monitoring.alarm(
            name_of(scope),
            construct_id,
            description=description,
            metric=metric,
            threshold=threshold,
            comparison=comparison,
        )
