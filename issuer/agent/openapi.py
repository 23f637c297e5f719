"""Placeholder."""
def document() -> dict:
    return {}
