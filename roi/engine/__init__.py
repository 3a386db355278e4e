"""The model and its simulation: cash flows by partner and year, discounting, draws.

Imports only roi.inputs.
"""
