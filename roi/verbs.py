"""Registers the command-line verbs that live beside their modules (simulate, check-claim, export)."""
