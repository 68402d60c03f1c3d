"""Print the deployable CloudFormation of two stages as JSON, {stage: template}.

The `templates` fixture runs this in a child process: the default stage, which the other
infrastructure tests read, and a production-like one. The two are built one after the other
here, never beside another build (each rewrites the function artifacts it packages).
"""

import json

from infra.stages import DEFAULT_STAGE
from infra.synth import stage_templates

# The default stage (it keeps nothing) and a production-like one (DEFAULT_PRODUCTION_STAGES).
STAGES = (DEFAULT_STAGE, "prod")

if __name__ == "__main__":
    print(json.dumps(stage_templates(STAGES)))
