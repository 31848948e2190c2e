"""The baseline economy of a general-equilibrium experiment: countries, trade costs, output, spending."""  # noqa: E501

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from bilat.errors import InputError, UnknownCodeError

TradeCostsFrom = str  # "fitted" (estimated gravity) or "observed" (calibrated to the flows)


@dataclass(frozen=True, eq=False)
class Baseline:
    """A one-sector structural gravity economy in one year (values in USD, countries as ISO3).

    ``trade_costs[i, j]`` is t_ij^(1-σ), the trade-cost term of exporter i selling to importer j
    (the book's ``tij``); it only matters up to factors a_i·b_j, which the resistances absorb.
    ``output`` (Y_i) and ``expenditure`` (E_j) are row and column totals of ``flows`` including
    intranational trade. ``reference`` is the country whose inward resistance is 1 (the numeraire).
    """

    countries: tuple[str, ...]
    trade_costs: np.ndarray
    output: np.ndarray
    expenditure: np.ndarray
    flows: np.ndarray
    reference: str
    year: int | None = None
    trade_costs_from: TradeCostsFrom = "fitted"
    notes: tuple[str, ...] = field(default_factory=tuple)
    agreements: np.ndarray | None = None  # 1 where a trade agreement is in force for i→j
    distances: np.ndarray | None = None  # km between i and j (GeoDist); NaN where unknown
    # economies of the data left out of this baseline, with why (e.g. no GDP to derive home trade)
    dropped: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        n = len(self.countries)
        for name in ("trade_costs", "flows"):
            arr = getattr(self, name)
            if arr.shape != (n, n):
                raise InputError(f"Baseline.{name} must be {n}×{n}, got {arr.shape}")
        for name in ("output", "expenditure"):
            arr = getattr(self, name)
            if arr.shape != (n,):
                raise InputError(f"Baseline.{name} must have {n} entries, got {arr.shape}")
            if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
                bad = [c for c, v in zip(self.countries, arr, strict=True) if not (v > 0)]
                raise InputError(
                    f"Baseline.{name} must be positive for every country; not for {bad[:10]}. "
                    "Drop those countries or supply their intranational trade."
                )
        if not np.all(np.isfinite(self.trade_costs)) or np.any(self.trade_costs < 0):
            raise InputError("Baseline.trade_costs must be finite and ≥ 0 (t_ij^(1-σ))")
        if np.any(np.diag(self.trade_costs) <= 0):
            raise InputError("Baseline.trade_costs must be positive on the diagonal (home trade)")
        if self.reference not in self.countries:
            raise UnknownCodeError(
                "reference country", self.reference, _close(self.reference, self.countries)
            )
        if self.agreements is not None and self.agreements.shape != (n, n):
            raise InputError(f"Baseline.agreements must be {n}×{n}, got {self.agreements.shape}")
        if self.distances is not None and self.distances.shape != (n, n):
            raise InputError(f"Baseline.distances must be {n}×{n}, got {self.distances.shape}")
        arrays = (self.trade_costs, self.output, self.expenditure, self.flows, self.agreements)
        for arr in (*arrays, self.distances):
            if arr is not None:
                arr.setflags(write=False)

    @property
    def n(self) -> int:
        """Number of countries."""
        return len(self.countries)

    @property
    def reference_index(self) -> int:
        """Position of the reference country."""
        return self.countries.index(self.reference)

    def index(self, country: str) -> int:
        """Position of an ISO3 code; UnknownCodeError with suggestions if absent."""
        try:
            return self.countries.index(country)
        except ValueError:
            raise UnknownCodeError(
                "country", country, _close(country, self.countries), where="baseline"
            ) from None

    def with_trade_costs(self, trade_costs: np.ndarray, note: str | None = None) -> Baseline:
        """A copy with other trade costs t_ij^(1-σ) (same flows, output and expenditure)."""
        return Baseline(
            countries=self.countries,
            trade_costs=np.array(trade_costs, dtype=float),
            output=np.array(self.output),
            expenditure=np.array(self.expenditure),
            flows=np.array(self.flows),
            reference=self.reference,
            year=self.year,
            trade_costs_from=self.trade_costs_from,
            notes=self.notes + ((note,) if note else ()),
            agreements=None if self.agreements is None else np.array(self.agreements),
            distances=None if self.distances is None else np.array(self.distances),
        )

    def with_distances(self, frame: pd.DataFrame, note: str | None = None) -> Baseline:
        """A copy with pair distances (km) from a frame of exporter, importer, dist (GeoDist)."""
        for col in ("exporter", "importer", "dist"):
            if col not in frame.columns:
                raise InputError(f"distances frame has no column {col!r} (GeoDist layout)")
        pos = {c: k for k, c in enumerate(self.countries)}
        d = frame[frame["exporter"].isin(pos) & frame["importer"].isin(pos)]
        km = np.full((self.n, self.n), np.nan)
        km[d["exporter"].map(pos).to_numpy(), d["importer"].map(pos).to_numpy()] = d[
            "dist"
        ].to_numpy(dtype=float)
        return replace(self, distances=km, notes=self.notes + ((note,) if note else ()))

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        reference: str,
        trade: str = "trade",
        trade_costs: str | None = None,
        exporter: str = "exporter",
        importer: str = "importer",
        year: int | None = None,
        notes: tuple[str, ...] = (),
        agreements: str | None = None,
    ) -> Baseline:
        """Build from a long frame of pairs (with intranational rows exporter = importer).

        ``trade`` is the flow in USD; ``trade_costs`` names a column with t_ij^(1-σ); ``agreements``
        a 0/1 column of agreements in force (used by scenarios that form or end one).
        Without costs, they are calibrated so the baseline reproduces the observed flows exactly
        (t_ij^(1-σ) = X_ij / (Y_i E_j), zero where there is no trade).
        """
        extra = [c for c in (trade_costs, agreements) if c]
        for col in (exporter, importer, trade, *extra):
            if col not in frame.columns:
                raise InputError(
                    f"baseline frame has no column {col!r}; columns are {list(frame.columns)}"
                )
        if frame.duplicated([exporter, importer]).any():
            dup = frame.loc[frame.duplicated([exporter, importer]), [exporter, importer]].iloc[0]
            raise InputError(
                f"baseline frame has more than one row for pair {tuple(dup)}; "
                "keep one year (filter on year) before building the baseline"
            )
        countries = tuple(sorted(set(frame[exporter]) | set(frame[importer])))
        pos = {c: k for k, c in enumerate(countries)}
        i = frame[exporter].map(pos).to_numpy()
        j = frame[importer].map(pos).to_numpy()
        n = len(countries)
        home = set(frame.loc[frame[exporter] == frame[importer], exporter])
        missing_home = [c for c in countries if c not in home]
        if missing_home:
            raise InputError(
                f"no intranational flow (exporter = importer) for {missing_home[:10]}; "
                "structural gravity needs home trade — derive it from GDP with "
                "bilat.scenarios.gravity.panel.add_internal_trade or drop those countries"
            )
        flows = np.zeros((n, n))
        flows[i, j] = frame[trade].fillna(0.0).to_numpy(dtype=float)
        y, e = flows.sum(axis=1), flows.sum(axis=0)
        if trade_costs:
            t = np.full((n, n), np.nan)
            t[i, j] = frame[trade_costs].to_numpy(dtype=float)
            if np.isnan(t).any():
                k = np.argwhere(np.isnan(t))[0]
                raise InputError(
                    f"trade costs missing for pair {countries[k[0]]}→{countries[k[1]]}; "
                    "give every pair (including zero-trade pairs) a t_ij^(1-σ)"
                )
            source = "fitted"
        else:
            t = flows / np.outer(y, e)
            source = "observed"
        rta = None
        if agreements:
            rta = np.zeros((n, n))
            rta[i, j] = frame[agreements].fillna(0.0).to_numpy(dtype=float)
        return cls(
            agreements=rta,
            countries=countries,
            trade_costs=t,
            output=y,
            expenditure=e,
            flows=flows,
            reference=reference,
            year=year,
            trade_costs_from=source,
            notes=tuple(notes),
        )


def _close(code: str, choices: tuple[str, ...]) -> list[str]:
    import difflib

    return difflib.get_close_matches(code.upper(), choices, n=3, cutoff=0.5)
