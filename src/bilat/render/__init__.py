"""Rendering for people: numbers in words (``numbers``), tables that fit a terminal
(``tables``), values JSON can hold (``jsonable``), progress bars (``progress``).

A foundation package: it imports nothing of bilat's layers, so that the ledger, the report,
the CLI and the API can all format with the same rules.
"""
