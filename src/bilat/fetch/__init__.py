"""``bilat data fetch``: download the publishers' official releases, check them, ingest them.

One module per publisher (``baci``, ``comtrade``, ``wdi``, ``geodist``), their addresses in
``publishers``, and the resumable HTTP client in ``download``.
"""

from bilat.fetch.baci import fetch_baci
from bilat.fetch.common import FetchOptions, FetchResult
from bilat.fetch.comtrade import ComtradeQuery, fetch_comtrade
from bilat.fetch.download import Download, DownloadError, RetryPolicy, download
from bilat.fetch.geodist import fetch_geodist
from bilat.fetch.wdi import fetch_wdi

__all__ = [
    "ComtradeQuery",
    "Download",
    "DownloadError",
    "FetchOptions",
    "FetchResult",
    "RetryPolicy",
    "download",
    "fetch_baci",
    "fetch_comtrade",
    "fetch_geodist",
    "fetch_wdi",
]
