"""API models, a family per resource, kept apart from the core's dataclasses and the store's
rows; each module's converters are the only place they meet."""
