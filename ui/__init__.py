"""PySide6 screens. No SQL and no rules here: calls app/ use cases and renders their results."""
