"""Copy Langfuse's built-in model list and prices into mockfuse, recording where they came from.

    python scripts/refresh_model_prices.py PATH_TO_LANGFUSE_CLONE

Reads ``worker/src/constants/default-model-prices.json`` at the clone's HEAD (a bare mirror
works) and writes ``mockfuse/langfuse/data/model_prices.json``: the models unchanged, under
the repository, path, commit and commit date they came from. Copies Langfuse's test of them
and of its tier matcher beside its harness (``tests/langfuse_pricing``) from the same commit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SOURCE = "worker/src/constants/default-model-prices.json"
ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "mockfuse" / "langfuse" / "data" / "model_prices.json"
TEST = "worker/src/__tests__/pricing-tier-matcher.test.ts"
TEST_TARGET = ROOT / "tests" / "langfuse_pricing" / "pricing-tier-matcher.test.ts"


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    clone = sys.argv[1]

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", clone, *args], check=True, capture_output=True, text=True
        ).stdout

    models = json.loads(git("show", f"HEAD:{SOURCE}"))
    data = {
        "source": {
            "repository": "langfuse/langfuse",
            "path": SOURCE,
            "commit": git("rev-parse", "HEAD").strip(),
            "date": git("show", "-s", "--format=%cs", "HEAD").strip(),
        },
        "models": models,
    }
    TARGET.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    TEST_TARGET.write_text(git("show", f"HEAD:{TEST}"))
    print(f"{len(models)} models from {data['source']['commit']} into {TARGET}")


if __name__ == "__main__":
    main()
