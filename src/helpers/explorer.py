"""Explore the alliance events: filter by company, alliance type, status and date window.

The logic is plain functions on the ``alliances`` table, usable at any prompt and tested by pytest::

    from helpers import explorer
    explorer.filter_alliances(tables["alliances"], company="Honda", status="signed", since="2024")

``interactive_view`` wires them to ipywidgets controls (``Explorer``): each change refilters the events
and redraws the table of evidence sentences and ``charts.alliance_timeline``. ``static_view`` draws the
same table and chart once, without widgets. ``show`` picks the best of the two for where it runs.

Widgets only where a person is looking
--------------------------------------
Widget outputs carry random model ids and their state is not part of a report, so a notebook that
always drew widgets would differ on every run (nbval) and show an empty box in the HTML report. The
widgets are therefore drawn only in a *live* session (``is_live_session``): a kernel that a Jupyter
server (JupyterLab, Notebook, Binder) started for a notebook, which is the only place where the server
sets ``JPY_SESSION_NAME`` in the kernel's environment, or VS Code (``__vsc_ipynb_file__``). papermill
(``make notebooks``, ``evwatch render``), nbconvert and nbval start their kernels themselves, without
it, and get the static view: deterministic, and complete in the HTML report. ``interactive=True`` or
``False`` overrides the detection (the explorer notebook has an ``interactive`` parameter for that).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

ALL_LABEL = "all"
_ISO_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


# ------------------------------------------------------------------------------------------ vocabulary


def _vocabulary() -> tuple[tuple[str, ...], tuple[str, ...], dict[str, str]]:
    """Alliance types and statuses in the design's order, and the types' display labels."""
    from helpers.charts import ALLIANCE_STATUSES, ALLIANCE_TYPES, TYPE_LABELS

    return ALLIANCE_TYPES, ALLIANCE_STATUSES, TYPE_LABELS


def _normalize_choice(value: object) -> str:
    return re.sub(r"[\s-]+", "_", str(value).strip().casefold())


def _as_set(values: str | Iterable[str] | None, vocabulary: tuple[str, ...], what: str) -> set[str] | None:
    """None / "all" / empty -> no filter; "joint venture" or "Joint-Venture" -> {"joint_venture"}."""
    if values is None:
        return None
    items = [values] if isinstance(values, str) else list(values)
    chosen = {_normalize_choice(v) for v in items if v is not None and str(v).strip()}
    chosen.discard(ALL_LABEL)
    if not chosen:
        return None
    unknown = sorted(chosen - set(vocabulary))
    if unknown:
        raise ValueError(
            f"unknown {what} {', '.join(map(repr, unknown))}; choose from: {', '.join(vocabulary)}"
        )
    return chosen


# ------------------------------------------------------------------------------------------ dates


def window_bound(value: object, *, end: bool = False) -> str | None:
    """A window bound as an ISO day: "2024" -> 2024-01-01 (or 2024-12-31 when ``end``), "2024-02" ->
    2024-02-01 (or 2024-02-29), dates and timestamps -> their day; None or "" -> None (open)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    m = _ISO_RE.match(str(value).strip())
    if not m:
        raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if day:
        return dt.date(year, int(month), int(day)).isoformat()
    if month:
        first = dt.date(year, int(month), 1)
        if not end:
            return first.isoformat()
        following = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
        return (following - dt.timedelta(days=1)).isoformat()
    return f"{year}-12-31" if end else f"{year}-01-01"


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce", format="ISO8601")


# ------------------------------------------------------------------------------------------ filtering


def companies(alliances: pd.DataFrame) -> list[str]:
    """Every company that is a party to an event, most events first (then by name)."""
    if alliances.empty:
        return []
    counts = pd.concat([alliances["party_a"], alliances["party_b"]]).dropna().astype(str).value_counts()
    return [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]))]


def resolve_company(name: str | None, alliances: pd.DataFrame) -> str | None:
    """The company as the table spells it: case-insensitive ("nissan"), or through data/reference
    aliases and parents ("GM" or "Chevrolet" -> General Motors). Unknown names come back unchanged."""
    if name is None or not str(name).strip() or _normalize_choice(name) == ALL_LABEL:
        return None
    name = str(name).strip()
    parties = companies(alliances)
    by_key = {p.casefold(): p for p in parties}
    if name.casefold() in by_key:
        return by_key[name.casefold()]
    from helpers.knowledge import load_knowledge

    kb = load_knowledge()
    for entry in kb.surface.get(name, []):
        if entry.kind == "company" and len(entry.canonicals) == 1:
            canonical = kb.top_company(entry.canonicals[0])
            return by_key.get(canonical.casefold(), canonical)
    return name


def filter_alliances(
    alliances: pd.DataFrame,
    company: str | None = None,
    alliance_type: str | Iterable[str] | None = None,
    status: str | Iterable[str] | None = None,
    since: object = None,
    until: object = None,
    undated: bool = True,
) -> pd.DataFrame:
    """The alliance events that match every given criterion (None or "all" = no filter).

    Parameters
    ----------
    alliances
        The ``alliances`` table (``tables["alliances"]``).
    company
        Events where this company is either party; case-insensitive, aliases and brands resolve to the
        company ("GM" -> General Motors).
    alliance_type, status
        One value or several ("mou", ["joint_venture", "investment"]); spaces and case are forgiven
        ("joint venture"). Unknown values raise ValueError listing the vocabulary.
    since, until
        The date window, inclusive: ISO strings ("2024", "2024-03", "2024-03-15") or dates. An event is
        kept when its date span (start_date..end_date) meets the window, so "2024" keeps an event dated
        only "fiscal year 2024" and a planned window 2027-2031 meets ``since="2030"``.
    undated
        Keep events whose date the text does not give (default True: they are shown apart, not dropped).

    Returns
    -------
    DataFrame
        The matching rows with all their columns (evidence, article_id, confidence, ...), ordered by date
        (undated last), then parties and type.
    """
    types, statuses, _ = _vocabulary()
    wanted_types = _as_set(alliance_type, types, "alliance type")
    wanted_status = _as_set(status, statuses, "status")
    lo, hi = window_bound(since), window_bound(until, end=True)
    if lo and hi and lo > hi:
        raise ValueError(f"the window starts after it ends: since={lo} > until={hi}")

    df = alliances
    keep = pd.Series(True, index=df.index)
    who = resolve_company(company, df)
    if who:
        key = who.casefold()
        party = [
            (df[col].astype("string").str.casefold() == key).fillna(False) for col in ("party_a", "party_b")
        ]
        keep &= (party[0] | party[1]).astype(bool)
    if wanted_types is not None:
        keep &= df["type"].isin(wanted_types)
    if wanted_status is not None:
        keep &= df["status"].isin(wanted_status)
    start, end = _dates(df["start_date"]), _dates(df["end_date"])
    start, end = start.fillna(end), end.fillna(start)
    is_undated = start.isna()
    if not undated:
        keep &= ~is_undated
    if lo:
        keep &= is_undated | (end >= pd.Timestamp(lo))
    if hi:
        keep &= is_undated | (start <= pd.Timestamp(hi))
    out = df[keep.to_numpy()].assign(_start=start[keep], _undated=is_undated[keep])
    order = ["_undated", "_start", "party_a", "party_b", "type"]
    out = out.sort_values(order, kind="stable", na_position="last").drop(columns=["_start", "_undated"])
    return out.reset_index(drop=True)


def choices(alliances: pd.DataFrame) -> dict[str, Any]:
    """What the controls offer: companies (most events first), the types and statuses present (in the
    vocabulary's order), and the months the dated events span (``"YYYY-MM"``, first to last)."""
    types, statuses, _ = _vocabulary()
    present_types = set(alliances["type"].dropna())
    present_status = set(alliances["status"].dropna())
    start, end = _dates(alliances["start_date"]), _dates(alliances["end_date"])
    first, last = start.fillna(end).min(), end.fillna(start).max()
    months: list[str] = []
    if not pd.isna(first):
        months = [str(p) for p in pd.period_range(first, last, freq="M")]
    return {
        "companies": companies(alliances),
        "types": [t for t in types if t in present_types],
        "statuses": [s for s in statuses if s in present_status],
        "months": months,
    }


def describe(
    n_events: int,
    company: str | None = None,
    alliance_type: str | Iterable[str] | None = None,
    status: str | Iterable[str] | None = None,
    since: object = None,
    until: object = None,
    undated: bool = True,
) -> str:
    """One line saying what is selected: '3 alliance events involving Honda; type: MOU; ...'."""

    def words(values) -> str:
        if values is None or (not isinstance(values, str) and not list(values)):
            return ALL_LABEL
        items = [values] if isinstance(values, str) else list(values)
        return ", ".join(str(v).replace("_", " ") for v in items) or ALL_LABEL

    lo, hi = window_bound(since), window_bound(until, end=True)
    window = "any date" if not (lo or hi) else f"{lo or '...'} to {hi or '...'}"
    noun = "alliance event" if n_events == 1 else "alliance events"
    who = f" involving {company}" if company else ""
    return (
        f"{n_events} {noun}{who}; type: {words(alliance_type)}; status: {words(status)}; "
        f"dates: {window}" + ("" if undated else " (undated events hidden)")
    )


def summary(tables: dict[str, pd.DataFrame]) -> str:
    """One line for the report index: how many events, companies and which years the dated ones span."""
    al = tables["alliances"]
    opts = choices(al)
    span = f", dated {opts['months'][0][:4]} to {opts['months'][-1][:4]}" if opts["months"] else ""
    return (
        f"{len(al):,} alliance events among {len(opts['companies']):,} companies{span}: "
        "filter them by company, type, status and date"
    )


# ------------------------------------------------------------------------------------------ views


def selection_view(
    tables: dict[str, pd.DataFrame],
    company: str | None = None,
    alliance_type: str | Iterable[str] | None = None,
    status: str | Iterable[str] | None = None,
    since: object = None,
    until: object = None,
    undated: bool = True,
) -> tuple[str, Any, pd.DataFrame]:
    """(one-line description, timeline Figure, events table) for a selection; nothing is displayed.

    The table (``views.alliance_table``) has parties, type, status, when, confidence, the evidence
    sentence, the article and its URL. The chart gets the type/status selection and draws the company
    as its focus within the window, so its title still compares the company with all events shown.
    """
    from helpers import charts, views

    al = tables["alliances"]
    who = resolve_company(company, al)
    matched = filter_alliances(al, who, alliance_type, status, since, until, undated)
    table = views.alliance_table(matched, tables["articles"])
    for_chart = filter_alliances(al, None, alliance_type, status, None, None, undated)
    lo, hi = window_bound(since), window_bound(until, end=True)
    fig = charts.alliance_timeline(for_chart, focus=who, since=lo, until=hi)
    line = describe(len(matched), who, alliance_type, status, lo, hi, undated)
    return line, fig, table


def _display_selection(line: str, fig, table: pd.DataFrame) -> None:
    from IPython.display import HTML, display

    from helpers import views

    print(line)
    display(fig)
    if table.empty:
        print("No alliance events match this selection.")
    else:
        # left-aligned: JupyterLab right-aligns table cells, which suits numbers, not sentences; a long
        # selection shows its first rows and says how many there are
        html = views.html_table(views.excerpt(table, "alliance events", table="alliances"), link_column="url")
        html = html.replace("<th>", '<th style="text-align:left">').replace(
            "<td>", '<td style="text-align:left">'
        )
        display(HTML(html))


def static_view(tables: dict[str, pd.DataFrame], **selection) -> None:
    """Display the selection without widgets: a description line, the timeline and the events table.

    Deterministic (sorted, no widget ids): this is what reports and nbval see. ``selection`` takes the
    arguments of ``filter_alliances`` (company, alliance_type, status, since, until, undated).
    """
    _display_selection(*selection_view(tables, **selection))


def is_live_session() -> bool:
    """True in a notebook kernel that a person is looking at and that can draw ipywidgets.

    That is a kernel a Jupyter server started for a notebook (JupyterLab, Notebook 7, Binder: the
    server sets ``JPY_SESSION_NAME``) or VS Code's (``__vsc_ipynb_file__``), with ipywidgets installed.
    papermill, nbconvert and nbval start kernels without either marker, so their runs stay static.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return False
    if not (os.environ.get("JPY_SESSION_NAME") or "__vsc_ipynb_file__" in shell.user_ns):
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _offered(value: str | None, options: list[str]) -> str:
    """A starting choice the dropdown offers, else "" (all): a focus absent from the data shows everything."""
    return value if value in options else ""


class Explorer:
    """ipywidgets controls (company, type, status, date window, undated) over the alliance events.

    Every change redraws the description line, ``charts.alliance_timeline`` and the events table in
    ``self.output``. ``self.widget`` is the whole UI; ``self.selection()`` the current filter arguments,
    ``self.events()`` the matching rows (the same as ``filter_alliances(**self.selection())``).
    """

    def __init__(
        self,
        tables: dict[str, pd.DataFrame],
        company: str | None = None,
        alliance_type: str | None = None,
        status: str | None = None,
        since: object = None,
        until: object = None,
        undated: bool = True,
    ) -> None:
        import ipywidgets as w

        self.tables = tables
        al = tables["alliances"]
        opts = choices(al)
        _, _, labels = _vocabulary()
        counts = pd.concat([al["party_a"], al["party_b"]]).value_counts()
        style = {"description_width": "initial"}

        def dropdown(
            description: str, everything: str, choices: list[str], label, count, value
        ) -> w.Dropdown:
            """A filter menu: "All …" first, then each choice with its number of events."""
            return w.Dropdown(
                options=[(everything, "")] + [(f"{label(c)} ({count[c]})", c) for c in choices],
                value=_offered(value, choices),
                description=description,
                style=style,
            )

        self.company = dropdown(
            "Company", "All companies", opts["companies"], str, counts, resolve_company(company, al)
        )
        self.alliance_type = dropdown(
            "Type", "All types", opts["types"], labels.__getitem__, al["type"].value_counts(),
            alliance_type and _normalize_choice(alliance_type),
        )  # fmt: skip
        self.status = dropdown(
            "Status", "All statuses", opts["statuses"], str, al["status"].value_counts(),
            status and _normalize_choice(status),
        )  # fmt: skip
        self.months = opts["months"] or ["(no dated events)"]
        lo, hi = window_bound(since), window_bound(until, end=True)
        first = next((i for i, m in enumerate(self.months) if lo and m >= lo[:7]), 0)
        last = next((i for i in reversed(range(len(self.months))) if hi and self.months[i] <= hi[:7]), None)
        self.window = w.SelectionRangeSlider(
            options=self.months,
            index=(first, len(self.months) - 1 if last is None else max(last, first)),
            description="Dates",
            continuous_update=False,
            readout=False,  # its readout joins "2023-01-2031-12" with a hyphen; a label says it plainly
            disabled=not opts["months"],
            style=style,
            layout=w.Layout(width="30em"),
        )
        self.window_label = w.Label(layout=w.Layout(width="12em"))
        self.window.observe(self._label_window, names="value")
        self._label_window()
        self.undated = w.Checkbox(value=undated, description="include undated events", indent=False)
        self.reset = w.Button(description="Reset", icon="undo", tooltip="Show every event again")
        self.output = w.Output()
        self.redraws = 0
        controls = (self.company, self.alliance_type, self.status, self.window, self.undated)
        for control in controls:
            control.observe(self._changed, names="value")
        self.reset.on_click(self._reset)
        self.widget = w.VBox(
            [
                w.HBox([self.company, self.alliance_type, self.status]),
                w.HBox([self.window, self.window_label, self.undated, self.reset]),
                self.output,
            ]
        )
        self.refresh()

    def selection(self) -> dict[str, Any]:
        """The current choices as ``filter_alliances`` arguments (a full date range means no window)."""
        lo_i, hi_i = self.window.index
        full = self.window.disabled or (lo_i == 0 and hi_i == len(self.months) - 1)
        return {
            "company": self.company.value or None,
            "alliance_type": self.alliance_type.value or None,
            "status": self.status.value or None,
            "since": None if full else window_bound(self.months[lo_i]),
            "until": None if full else window_bound(self.months[hi_i], end=True),
            "undated": self.undated.value,
        }

    def events(self) -> pd.DataFrame:
        """The alliance rows the current choices select."""
        return filter_alliances(self.tables["alliances"], **self.selection())

    def refresh(self) -> None:
        """Redraw the description, chart and table for the current choices."""
        self.redraws += 1
        view = selection_view(self.tables, **self.selection())
        self.output.clear_output(wait=True)
        with self.output:
            _display_selection(*view)

    def _label_window(self, _change=None) -> None:
        if self.window.disabled:
            self.window_label.value = "no dated events"
            return
        lo, hi = (pd.Period(m, freq="M").strftime("%b %Y") for m in self.window.value)
        self.window_label.value = f"{lo} to {hi}"

    def _changed(self, _change) -> None:
        self.refresh()

    def _reset(self, _button=None) -> None:
        controls = (self.company, self.alliance_type, self.status, self.window, self.undated)
        for control in controls:
            control.unobserve(self._changed, names="value")
        try:
            self.company.value = self.alliance_type.value = self.status.value = ""
            self.window.index = (0, len(self.months) - 1)
            self.undated.value = True
        finally:
            for control in controls:
                control.observe(self._changed, names="value")
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def interactive_view(tables: dict[str, pd.DataFrame], *, interactive: bool | None = None, **selection):
    """Display the widget explorer in a live session (see ``is_live_session``), else a one-line hint.

    ``interactive`` None detects, True forces widgets, False forces the hint. Returns the ``Explorer``
    (None when not interactive); assign it (``ui = ...``) to read ``ui.events()`` afterwards.
    """
    if interactive is None:
        interactive = is_live_session()
    if not interactive:
        print(
            "Interactive controls appear here when this notebook runs in JupyterLab (make lab, or Binder); "
            "the static view below shows the selection the parameters give."
        )
        return None
    from IPython.display import display

    ui = Explorer(tables, **selection)
    display(ui.widget)
    return ui


def show(tables: dict[str, pd.DataFrame], *, interactive: bool | None = None, **selection) -> None:
    """The best view for where this runs: widgets in a live notebook session, the static view elsewhere.

    ``selection`` takes ``filter_alliances``'s arguments (company, alliance_type, status, since, until,
    undated) as the starting point. Returns nothing, so a cell ending with it shows no extra repr.
    """
    if interactive is None:
        interactive = is_live_session()
    if interactive:
        interactive_view(tables, interactive=True, **selection)
    else:
        static_view(tables, **selection)
