"""``python -m bilat.cli``: the same as the ``bilat`` command."""

from bilat.cli.main import app

app()
