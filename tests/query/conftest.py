"""The search tests read the session's real workspace (``real_ws`` in tests/conftest.py)."""
