"""Claims in other currencies, put in US dollars with an exchange-rate series from the store.

The store holds trade in current US dollars. A claim written in euros, won, roubles, yuan or yen
("110 billion euros") is extracted with its own unit; it is checked only when the store also holds
the World Bank's official exchange rate, WDI ``PA.NUS.FCRF`` (local currency units per US dollar,
period average), loaded like any WDI file with ``bilat data add API_PA.NUS.FCRF_DS2_….csv``. The
claim's value is divided by the rate of its own year, and the verdict says which rate was used.
Without the series, or for a year it does not cover, the claim is "no data in USD": never a
conversion with a rate of another year, nor a rate typed in by hand.

The series is annual: a figure for part of a year (a quarter, January-May) is converted with that
year's average rate, and the verdict says so, since the rate of those months may differ.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from bilat.claims.model import Claim

if TYPE_CHECKING:
    from bilat.store.session import Data

__all__ = ["CURRENCY_ECONOMIES", "RATE_INDICATOR", "ExchangeRates", "Rate", "convert"]

#: The WDI indicator: official exchange rate (LCU per US$, period average).
RATE_INDICATOR = "PA.NUS.FCRF"
#: Currency -> economies whose PA.NUS.FCRF is that currency's rate, in order of preference
#: (the euro: the euro area aggregate, then its largest members, which report the same rate).
CURRENCY_ECONOMIES: dict[str, tuple[str, ...]] = {
    "EUR": ("EMU", "DEU", "FRA", "ITA", "ESP"),
    "KRW": ("KOR",),
    "RUB": ("RUS",),
    "CNY": ("CHN",),
    "JPY": ("JPN",),
    "INR": ("IND",),
    "GBP": ("GBR",),
    "AUD": ("AUS",),
    "CAD": ("CAN",),
    "VND": ("VNM",),
    "TRY": ("TUR",),
}


@dataclass(frozen=True)
class Rate:
    """One year's average rate: ``per_usd`` units of ``currency`` per US dollar."""

    currency: str
    year: int
    per_usd: float
    economy: str
    source: str
    release: str

    def describe(self) -> str:
        """'converted at 1,160.43 KRW per USD (2016 average, WDI PA.NUS.FCRF of KOR, ...)'."""
        return (
            f"converted at {self.per_usd:,.2f} {self.currency} per USD ({self.year} average, "
            f"{self.source} {RATE_INDICATOR} of {self.economy}, release {self.release})"
        )


class ExchangeRates:
    """The store's PA.NUS.FCRF rows, indexed by (economy, year)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._by = {
            (str(r.country), int(r.year)): r for r in frame.itertuples(index=False) if r.value
        }

    @classmethod
    def from_data(cls, data: Data) -> ExchangeRates:
        """The series from a store's ``macro`` table; empty for a session over a flows table."""
        empty = pd.DataFrame(columns=["country", "year", "value", "source", "release"])
        if data.store is None:
            return cls(empty)
        try:
            macro = data.table("macro")
            frame = (
                macro.filter(macro.indicator == RATE_INDICATOR)
                .select("country", "year", "value", "source", "release")
                .to_pandas()
            )
        except Exception:  # no macro table in this store: no rates (said in the verdict)
            return cls(empty)
        return cls(frame)

    def __len__(self) -> int:
        return len(self._by)

    def rate(self, currency: str, year: int) -> Rate | None:
        """The rate of ``currency`` in ``year``, or None when the series does not cover it."""
        for economy in CURRENCY_ECONOMIES.get(currency, ()):
            r = self._by.get((economy, year))
            if r is not None:
                return Rate(currency, year, float(r.value), economy, str(r.source), str(r.release))
        return None


def convert(claim: Claim, rates: ExchangeRates) -> tuple[Claim, str] | str:
    """The claim in US dollars and how it was converted, or why it cannot be (a sentence)."""
    cur = claim.unit
    if cur not in CURRENCY_ECONOMIES:
        return f"the claim is in {cur}, a currency bilat does not convert"
    if len(rates) == 0:
        return (
            f"the claim is in {cur} and the store has no exchange-rate series; load WDI "
            f"{RATE_INDICATOR} with `bilat data add API_{RATE_INDICATOR}_DS2_….csv`"
        )
    years = re.findall(r"\d{4}", claim.period or "")
    if not years or len(set(years)) > 1:
        return f"the claim is in {cur} and its period ({claim.period}) is not within one year"
    year = int(years[0])
    rate = rates.rate(cur, year)
    if rate is None:
        return f"the store's {RATE_INDICATOR} series has no {cur} rate for {year}"
    note = rate.describe()
    if not re.fullmatch(r"\d{4}", claim.period or ""):
        note += f"; the claim is for {claim.period}, converted with the year's average"
    usd = dataclasses.replace(claim, value=claim.value / rate.per_usd, unit="USD")
    return usd, note
