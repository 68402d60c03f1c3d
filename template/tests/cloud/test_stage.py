"""The stack under test is the stage asked for: `make deploy` passed it the stage's name."""

from tests.cloud.outputs import STAGE
from tests.cloud.support import Outputs


def test_the_stack_is_the_stage_it_is_named_after(outputs: Outputs, stage: str) -> None:
    assert outputs[STAGE] == stage
