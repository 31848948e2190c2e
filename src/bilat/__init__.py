"""bilat: the trade relationship between two economies."""

__version__ = "0.1.0"
