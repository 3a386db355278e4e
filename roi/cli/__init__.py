"""The command line: ``python -m roi VERB`` (the top layer of roi).

Imports every layer below it."""

from roi.cli.commands import main

__all__ = ["main"]
