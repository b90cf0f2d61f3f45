"""The trace viewer: a page at ``/_mockfuse/`` that shows what each tenant's code logged.

Everything it needs ships in ``static/`` (no build step, nothing fetched from elsewhere), so
it works offline. The page reads ``/_mockfuse/viewer/data`` for one tenant at a time and
refreshes when ``/_mockfuse/live`` (server-sent events) says the captures changed.
"""

from mockfuse.viewer.routes import VIEWER_PATH, install, routes

__all__ = ["VIEWER_PATH", "install", "routes"]
