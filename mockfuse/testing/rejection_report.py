"""What a test hears of the data mockfuse rejected: the ini option's modes and the message.

Langfuse drops what it rejects, and most clients say nothing of it; a test double is where
such a loss can be caught, so a test whose clients' data was rejected fails at teardown
unless it declared the rejections or the project relaxed the rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from mockfuse.capture.rejections import Rejection

REJECTION_MODES = ("fail", "warn", "ignore")


class MockfuseRejectionWarning(UserWarning):
    """Data a test's clients sent was rejected (``mockfuse_rejections = warn``)."""


def rejections_message(rejected: Sequence[Rejection], tree: str = "") -> str:
    lines = [
        f"mockfuse rejected {len(rejected)} thing(s) this test's clients sent; Langfuse would "
        "have dropped them too:"
    ]
    lines += [f"  - {rejection.describe()}" for rejection in rejected]
    if tree:
        lines += ["", "The test's traces:", tree]
    lines += [
        "",
        "A test that provokes them on purpose declares them: mockfuse.expect_rejections(pattern)"
        " or @pytest.mark.mockfuse_expect_rejections(pattern); mockfuse_rejections = warn or "
        "ignore in the pytest configuration relaxes this for every test.",
    ]
    return "\n".join(lines)
