"""Summaries over repeated runs: every figure in a table is a median with its min and max."""

import dataclasses
import math
import statistics


def percentile(values, p):
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = math.ceil(p / 100.0 * len(ordered)) - 1
    return ordered[max(0, min(len(ordered) - 1, rank))]


@dataclasses.dataclass
class Summary:
    median: float
    lo: float
    hi: float
    n: int

    @staticmethod
    def of(values):
        values = [v for v in values if v is not None]
        if not values:
            return None
        return Summary(statistics.median(values), min(values), max(values), len(values))


def fmt(summary, digits=0, unit=""):
    """'123 (110-140)'; '-' when nothing was measured."""
    if summary is None:
        return "-"
    f = f"{{:,.{digits}f}}"
    text = f.format(summary.median) + unit
    if summary.n > 1:
        text += f" ({f.format(summary.lo)}-{f.format(summary.hi)})"
    return text
