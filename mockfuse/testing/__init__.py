"""The test side: the tenant handle a test holds, and flushing the process's clients."""
