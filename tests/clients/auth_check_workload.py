"""A Langfuse Python SDK's auth_check() (2.x and 5.x alike) with the LANGFUSE_* keys it was
given: prints what it said, True, False, or the error it raised."""

import json

from langfuse import Langfuse

try:
    said = Langfuse().auth_check()
except Exception as error:  # what the SDK raises is what the test checks
    said = f"{type(error).__name__}: {getattr(error, 'status_code', '')}"
print(json.dumps(said))
