"""How much a chart draws: past a few dozen lanes or nodes, the most-reported ones, and a note saying so.

A chart of the seeds has a handful of lanes; one of 10,000 articles would have 20,000 company pairs and
15,000 alliances, one lane each, and a network of hundreds of companies. Such charts keep their finding
(title) about everything, but draw only the lanes and nodes with the most evidence and say in their
subtitle how many of how many they show. The full tables are unaffected.
"""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd

MAX_LANES = 30  # company pairs in the alliance timeline (a lane each)
MAX_LIFECYCLE_LANES = 12  # alliances in the lifecycle timeline (their steps stack: a lane is taller)
MAX_NODES = 20  # companies in the network
MAX_EDGES = 45  # alliances (company pair and type) drawn between them


def top_keys(counts: pd.Series, n: int, keep: Hashable | None = None) -> list:
    """The `n` keys of `counts` with the highest counts (ties by key), always with `keep` when present.

    Returned in ranking order: a chart sorts them its own way.
    """
    ranked = [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))]
    chosen = ranked[:n]
    if keep is not None and keep in counts.index and keep not in chosen:
        chosen = [keep, *ranked[: n - 1]]
    return chosen


def shown_of(shown: int, total: int, noun: str, plural: str | None = None) -> str:
    """'8 company pairs' when everything is drawn, else 'the 30 most-reported of 22,871 company pairs'."""
    word = noun if total == 1 else plural or f"{noun}s"
    if shown >= total:
        return f"{total:,} {word}"
    return f"the {shown:,} most-reported of {total:,} {word}"
