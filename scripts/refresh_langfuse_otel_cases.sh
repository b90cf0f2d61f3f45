#!/usr/bin/env bash
# Copy Langfuse's OTel mapping tests from a clone of langfuse/langfuse (a bare mirror works)
# into tests/langfuse_otel and record the commit they came from.
set -euo pipefail
clone=${1:?usage: scripts/refresh_langfuse_otel_cases.sh PATH_TO_LANGFUSE_CLONE}
here=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$clone" rev-parse HEAD)
git -C "$clone" show "HEAD:web/src/__tests__/server/api/otel/otelMapping.servertest.ts" \
    > "$here/tests/langfuse_otel/otelMapping.servertest.ts"
sed -i -E "s/\`[0-9a-f]{40}\` \([0-9-]+\)/\`$commit\` ($(git -C "$clone" show -s --format=%cs HEAD))/" \
    "$here/tests/langfuse_otel/SOURCE.md"
echo "copied at $commit; now run: .venv/bin/pytest tests/test_langfuse_otel_cases.py"
