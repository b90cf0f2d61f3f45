"""Scores that name a config, sent by Langfuse Python SDK 2.x in an ingestion batch: the
config ids come as arguments (one that fits the score, one it does not)."""

import sys

from langfuse import Langfuse

fits, misfits = sys.argv[1:3]
langfuse = Langfuse()
trace = langfuse.trace(name="scored")
trace.score(name="accuracy", value=0.5, config_id=fits)
trace.score(name="accuracy", value=7, config_id=misfits)
langfuse.flush()
