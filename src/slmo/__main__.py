"""``python -m slmo`` runs the command line."""

from slmo.cli.main import run

run()
