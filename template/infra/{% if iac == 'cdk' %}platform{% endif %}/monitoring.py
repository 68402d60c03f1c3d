"""What pages someone, and what the dashboard shows: the alarm topic, every alarm, the dashboard.

Every alarm of the service is made here, through cdk-monitoring-constructs' facade: its numbers
come from `thresholds` (the catalogue SAM reads too), and it sends ALARM and OK to the stack's
encrypted alarm topic. The stack's one dashboard has a section per pattern (`section`), holding
the widgets of what that pattern created, in the order it created them.
"""

import re
from typing import Any

import jsii
from aws_cdk import Aspects, Aws, CfnCondition, CfnElement, CfnParameter, Fn, IAspect, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from cdk_monitoring_constructs import (
    AlarmFactoryDefaults,
    DefaultDashboardFactory,
    ErrorCountThreshold,
    LambdaFunctionMonitoring,
    MonitoringFacade,
    SnsAlarmActionStrategy,
    ThrottledEventsThreshold,
)
from constructs import Construct, IConstruct

from infra.platform.checks import acknowledge, skip_cfn_lint
from infra.platform.outputs import output
from infra.platform.thresholds import (
    ALARM_EMAIL_HINT,
    ALARM_EMAIL_PATTERN,
    FUNCTION_ERRORS,
    FUNCTION_THROTTLES,
    RUN_FAILURES,
    TABLE_SYSTEM_ERRORS,
    TABLE_THROTTLES,
    Threshold,
)

AT_OR_ABOVE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
AT_OR_BELOW = cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD
# The facade's key for an alarm of a kind; empty, so that the kind's suffix ends the alarm name.
ALARM = ""


def numbers(threshold: Threshold) -> dict[str, Any]:
    """The facade's alarm settings for `threshold`: its numbers, firing at or above its value."""
    return {
        "comparison_operator_override": AT_OR_ABOVE,
        "period": threshold.period,
        "datapoints_to_alarm": threshold.periods,
        "evaluation_periods": threshold.periods,
        "treat_missing_data_override": threshold.missing,
    }


def count(threshold: Threshold) -> ErrorCountThreshold:
    """A count alarm of the facade's monitors with `threshold`'s numbers."""
    return ErrorCountThreshold(max_error_count=threshold.value, **numbers(threshold))


def _throttled(threshold: Threshold) -> ThrottledEventsThreshold:
    return ThrottledEventsThreshold(
        max_throttled_events_threshold=threshold.value, **numbers(threshold)
    )


def name_of(scope: IConstruct, construct_id: str = "") -> str:
    """A readable, stack-unique name from a construct path: "Microservices-Orders-Function"."""
    parts = [each.node.id for each in scope.node.scopes[2:]]
    return "-".join([*parts, construct_id] if construct_id else parts)


def counted(rule: events.Rule) -> None:
    """Record why `rule` has no target: an alarm counts its matches (TriggeredRules)."""
    acknowledge(
        rule,
        {
            "Serverless::Serverless-EventBusDLQ": "The rule has no target, so nothing to deliver or dead-letter: an alarm counts its matches (TriggeredRules).",
        },
    )


@jsii.implements(IAspect)
class _StageFreeIds:
    """Alarm names start with the stack name (two stages never share one), and the facade makes
    each alarm's construct id its name; logical ids leave the stack name out, so that every stage
    deploys the same resources."""

    def __init__(self, facade: Construct, stack_name: str) -> None:
        self._prefix = f"{facade.node.path}/"
        self._stack_name = stack_name

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, CfnElement):
            relative = node.node.path.removeprefix(self._prefix).replace(self._stack_name, "")
            node.override_logical_id(
                "Monitoring" + re.sub(r"[^A-Za-z0-9]", "", relative.removesuffix("/Resource"))
            )


class Monitoring(Construct):
    """The alarm topic, the facade that makes every alarm and widget, and the stack's dashboard."""

    def __init__(self, scope: Construct, construct_id: str, *, key: kms.Key) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.topic = self._topic(key)
        # One dashboard, named after the stack; no summary or alarm dashboards.
        dashboards = DefaultDashboardFactory(
            self,
            "Dashboards",
            dashboard_name_prefix=stack.stack_name,
            create_dashboard=True,
            create_summary_dashboard=False,
            create_alarm_dashboard=False,
        )
        self.facade = MonitoringFacade(
            self,
            "Facade",
            alarm_factory_defaults=AlarmFactoryDefaults(
                actions_enabled=True,
                alarm_name_prefix=stack.stack_name,
                action=SnsAlarmActionStrategy(on_alarm_topic=self.topic, on_ok_topic=self.topic),
            ),
            dashboard_factory=dashboards,
        )
        Aspects.of(self.facade).add(_StageFreeIds(self.facade, stack.stack_name))
        if dashboards.dashboard is None:
            raise ValueError("The dashboard factory made no dashboard")
        output(
            self,
            "DashboardName",
            dashboards.dashboard.dashboard_name,
            "The stack's CloudWatch dashboard: a section per pattern (requests, errors, latency, queues, runs)",
        )

    def _topic(self, key: kms.Key) -> sns.Topic:
        """ALARM and OK of every alarm; e-mailed to the AlarmEmail parameter when one is given."""
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsEncrypt",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
            )
        )
        topic = sns.Topic(self, "AlarmTopic", master_key=key, enforce_ssl=True)
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                    "ArnLike": {
                        "aws:SourceArn": f"arn:{Aws.PARTITION}:cloudwatch:{Aws.REGION}:{Aws.ACCOUNT_ID}:alarm:*"
                    },
                },
            )
        )
        stack = Stack.of(self)
        email = CfnParameter(
            stack,
            "AlarmEmail",
            default="",
            allowed_pattern=ALARM_EMAIL_PATTERN,
            description="An address e-mailed every alarm (it confirms the subscription first); empty for none",
            constraint_description=ALARM_EMAIL_HINT,
        )
        has_email = CfnCondition(
            stack, "HasAlarmEmail", expression=Fn.condition_not(Fn.condition_equals(email, ""))
        )
        subscription = sns.CfnSubscription(
            self,
            "AlarmEmailSubscription",
            topic_arn=topic.topic_arn,
            protocol="email",
            endpoint=email.value_as_string,
        )
        subscription.cfn_options.condition = has_email
        no_redrive = "An e-mail subscription: SNS retries a failed delivery, and a message it gives up on is an alarm state change that the alarm and the dashboard still show."
        acknowledge(subscription, {"Serverless::Serverless-SNSRedrivePolicy": no_redrive})
        skip_cfn_lint(subscription, {"ES7000": f"ES7000 asks for a redrive policy. {no_redrive}"})
        output(
            self,
            "AlarmTopicArn",
            topic.topic_arn,
            "Every alarm's ALARM and OK; subscribe a chat or paging endpoint to it (AWS Chatbot, an HTTPS webhook)",
        )
        return topic

    def section(self, title: str) -> None:
        """Start the dashboard's section for a pattern: what is monitored next lands under it."""
        self.facade.add_large_header(title)

    def subsection(self, title: str) -> None:
        self.facade.add_medium_header(title)

    def alarm(
        self,
        name: str,
        suffix: str,
        *,
        description: str,
        metric: cloudwatch.Metric | cloudwatch.MathExpression,
        threshold: Threshold,
        comparison: cloudwatch.ComparisonOperator = AT_OR_ABOVE,
        value: float | None = None,
    ) -> cloudwatch.AlarmBase:
        """The alarm "<stack>-<name>-<suffix>" on `metric` with `threshold`'s numbers (`value`
        instead of its value when given), and its graph on the dashboard."""
        created = self.facade.create_alarm_factory(name).add_alarm(
            metric,
            alarm_description=description,
            alarm_name_suffix=suffix,
            comparison_operator=comparison,
            threshold=threshold.value if value is None else value,
            treat_missing_data=threshold.missing,
            period=threshold.period,
            datapoints_to_alarm=threshold.periods,
            evaluation_periods=threshold.periods,
        )
        self.facade.add_widget(
            cloudwatch.AlarmWidget(alarm=created.alarm, title=f"{name} {suffix}", width=6)
        )
        return created.alarm

    def alarm_name(self, name: str, suffix: str) -> str:
        """The name `alarm(name, suffix, ...)` gives its alarm, known before it exists."""
        return f"{Stack.of(self).stack_name}-{name}-{suffix}"

    def function(self, function: lambda_.IFunction, name: str) -> cloudwatch.IAlarm:
        """Errors and throttles of `function` (every version: alarms watch the function, not its
        alias), and its graphs; returns the errors alarm."""
        monitoring = LambdaFunctionMonitoring(
            self.facade,
            lambda_function=function,
            alarm_friendly_name=name,
            human_readable_name=name,
            add_fault_count_alarm={ALARM: count(FUNCTION_ERRORS)},
            add_throttles_count_alarm={ALARM: count(FUNCTION_THROTTLES)},
        )
        self.facade.add_segment(monitoring)
        return next(
            created.alarm
            for created in monitoring.created_alarms()
            if created.alarm_name_suffix.startswith("Fault")
        )

    def table(self, table: dynamodb.ITable, name: str) -> None:
        """Read and write throttles and system errors of `table`, and its graphs."""
        self.facade.monitor_dynamo_table(
            table=table,
            alarm_friendly_name=name,
            human_readable_name=name,
            add_read_throttled_events_count_alarm={ALARM: _throttled(TABLE_THROTTLES)},
            add_write_throttled_events_count_alarm={ALARM: _throttled(TABLE_THROTTLES)},
            add_system_error_count_alarm={ALARM: count(TABLE_SYSTEM_ERRORS)},
        )

    def state_machine(self, machine: sfn.IStateMachine, name: str) -> None:
        """Failed and timed-out runs of `machine`, and its graphs."""
        self.facade.monitor_step_function(
            state_machine=machine,
            alarm_friendly_name=name,
            human_readable_name=name,
            add_failed_execution_count_alarm={ALARM: count(RUN_FAILURES)},
            add_timed_out_execution_count_alarm={ALARM: count(RUN_FAILURES)},
        )
