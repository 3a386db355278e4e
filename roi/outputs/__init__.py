"""What is written for people: charts, workbooks, the board pack, claim reports.

Imports the analysis, the engine and the inputs.
"""
