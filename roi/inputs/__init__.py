"""What a user gives: the scenario schema, the assumptions library, bounds, errors, links and edits.

The lowest layer: imports nothing else of the project.
"""
