"""``python -m tortoise_pathway``: the command line."""

from .cli import entry

entry()
