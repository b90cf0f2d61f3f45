"""The project's own shared test configuration (the mockfuse plugin itself comes from its
``pytest11`` entry point, as it does for users)."""

# pytester runs small pytest sessions of their own: the plugin's tests are such sessions.
pytest_plugins = ["pytester"]

# Downstream suites are users' projects of their own, run by tests/test_downstream.py in a
# client environment's Python, never collected here.
collect_ignore = ["tests/downstream"]
