"""``bilat serve``: the JSON API and web pages over a read-only store.

``create_app(store_path)`` builds the FastAPI app; run it with uvicorn or ``bilat serve``.
"""

from bilat.api.app import create_app

__all__ = ["create_app"]
