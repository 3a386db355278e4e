"""What is read from results: deals, claim checks, summaries, comparisons, evidence, reconciliation.

Imports roi.engine and roi.inputs.
"""
