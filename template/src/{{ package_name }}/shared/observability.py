"""Powertools logger, tracer and metrics, configured once for every function.

The service name and metrics namespace come from POWERTOOLS_SERVICE_NAME and
POWERTOOLS_METRICS_NAMESPACE, which the infrastructure sets on each function.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
# Patch only botocore: patching every supported library costs cold-start time for
# libraries this service never imports.
tracer = Tracer(patch_modules=("botocore",))
metrics = Metrics()
