"""Snapshots of what a tenant captured: views, normalization, comparison and files.

Nothing is imported here: the pytest plugin, loaded by every pytest run where mockfuse is
installed, imports the session's snapshot bookkeeping alone, not the capture layer that
taking a snapshot needs (``of_tenant``).
"""
