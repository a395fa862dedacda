"""slmo."""
