"""Print the deployable CloudFormation as JSON; the `template` fixture runs this in a child process."""

import json

from infra.synth import cloudformation_template

if __name__ == "__main__":
    print(json.dumps(cloudformation_template()))
