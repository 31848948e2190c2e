"""Every publisher address bilat downloads from, in one place; each overridable by an env var.

Addresses are URL templates filled with the request's fields (``{revision}``, ``{release}``,
``{indicator}``). A mirror or a test server replaces one by setting its variable, e.g.
``BILAT_BACI_URL=http://127.0.0.1:8000/baci/BACI_{revision}_V{release}.zip``. Variables are read
when an address is asked for, never at import time.

Where the defaults come from (checked against public code that downloads them):

- BACI: CEPII's download folder ``https://www.cepii.fr/DATA_DOWNLOAD/baci/data/`` holds one zip
  per HS revision and release, ``BACI_HS92_V202501.zip``; the page that lists releases is
  https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37.
- UN Comtrade: API v1, ``https://comtradeapi.un.org/data/v1/get/{type}/{freq}/{class}`` with a
  subscription key (header ``Ocp-Apim-Subscription-Key``), else the keyless
  ``/public/v1/preview/…`` (at most 500 records per call); as in UN's own ``comtradeapicall``.
- WDI: the World Bank's per-indicator download
  ``https://api.worldbank.org/v2/en/indicator/NY.GDP.MKTP.CD?downloadformat=csv`` (a zip of the
  wide CSV ``API_<indicator>_DS2_en_csv_v2_<n>.csv`` and two metadata CSVs).
- GeoDist: ``https://www.cepii.fr/distance/dist_cepii.dta`` (the Stata file itself; the same
  folder's ``dist_cepii.zip`` holds the Excel version).
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from urllib.parse import quote

from bilat.errors import InputError


@dataclass(frozen=True)
class Publisher:
    """One publisher's download address (a URL template), its env override and home page."""

    name: str
    env: str
    default: str
    home: str
    citation: str

    @property
    def template(self) -> str:
        """The address in force: the env variable when set, else the default."""
        return os.environ.get(self.env, "").strip() or self.default

    def url(self, **fields: str) -> str:
        """The address with ``fields`` filled in (each URL-quoted); InputError if one is missing."""
        template = self.template
        wanted = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        missing = sorted(wanted - fields.keys())
        if missing:
            raise InputError(
                f"{self.env}={template!r} uses {{{missing[0]}}}, which a {self.name} download "
                f"does not have; use only {', '.join('{' + f + '}' for f in sorted(fields))}"
            )
        return template.format(**{k: quote(str(v), safe="") for k, v in fields.items()})


BACI = Publisher(
    name="baci",
    env="BILAT_BACI_URL",
    default="https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_{revision}_V{release}.zip",
    home="https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
    citation="Gaulier, G. and Zignago, S. (2010), BACI: International Trade Database at the "
    "Product-Level, CEPII Working Paper 2010-23",
)
COMTRADE = Publisher(
    name="comtrade",
    env="BILAT_COMTRADE_URL",
    default="https://comtradeapi.un.org",
    home="https://comtradeplus.un.org/",
    citation="United Nations, UN Comtrade Database",
)
WDI = Publisher(
    name="wdi",
    env="BILAT_WDI_URL",
    default="https://api.worldbank.org/v2/en/indicator/{indicator}?downloadformat=csv",
    home="https://data.worldbank.org/indicator",
    citation="World Bank, World Development Indicators (CC BY 4.0)",
)
GEODIST = Publisher(
    name="geodist",
    env="BILAT_GEODIST_URL",
    default="https://www.cepii.fr/distance/dist_cepii.dta",
    home="https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=6",
    citation="Mayer, T. and Zignago, S. (2011), Notes on CEPII's distances measures: "
    "the GeoDist database, CEPII Working Paper 2011-25",
)
PUBLISHERS: dict[str, Publisher] = {p.name: p for p in (BACI, COMTRADE, WDI, GEODIST)}

#: The BACI release fetched when none is given (``BILAT_BACI_RELEASE`` overrides it).
BACI_RELEASE = "202501"
#: Where the UN Comtrade subscription key is read from (sent as a header, never in the URL).
COMTRADE_KEY_ENV = "COMTRADE_API_KEY"


def baci_release() -> str:
    """The default BACI release (``BILAT_BACI_RELEASE``, else 202501), e.g. ``202501``."""
    return os.environ.get("BILAT_BACI_RELEASE", "").strip() or BACI_RELEASE


def comtrade_key() -> str | None:
    """The UN Comtrade subscription key from ``COMTRADE_API_KEY``, or None (keyless preview)."""
    return os.environ.get(COMTRADE_KEY_ENV, "").strip() or None
