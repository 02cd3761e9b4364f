"""Write the workspace notebooks' sources: 00-start-here and 05-explorer (cells without outputs).

Companion of tools/build_notebooks.py (01-04), whose cell helpers and parameters cell it reuses, so all
numbered notebooks take the same parameters. 00-start-here lists every numbered notebook under its first
heading (read from the notebooks themselves): rebuild it when a title changes (tests/test_lab.py checks).
Then execute in place so nbval has reference outputs:

    .venv/bin/python tools/build_lab_notebooks.py
    .venv/bin/python -m helpers.notebooks notebooks/00-start-here.ipynb notebooks/05-explorer.ipynb
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_notebooks import NOTEBOOKS, PARAMS, code, md, notebook  # noqa: E402

from helpers.report_index import notebook_title  # noqa: E402

EXPLORER_TITLE = "Explore the alliance events: by company, type, status and date"

# What each notebook answers, in a reader's words (a notebook missing here gets its headline instead).
ANSWERS = {
    "01-corpus.ipynb": "Which articles went in, what cleaning removed from each and why, which are duplicates, "
    "and which inputs could not be read.",
    "02-extraction.ipynb": "Which companies, people, figures and dates each article mentions, which alliances "
    "it reports, and how well the extractor scores against hand annotations.",
    "03-alliances.ipynb": "Who partners with whom, how and when: a timeline, a network and the evidence "
    "sentence behind every event.",
    "04-market-share.ipynb": "How much of the car market is electric (IEA series) and whether the articles' "
    "market-share claims agree with it.",
    "05-explorer.ipynb": "Pick a company, alliance type, status and date window: the matching events with "
    "their evidence sentences, and their timeline redrawn.",
}


def notebook_list() -> str:
    """A Markdown list: each notebook's number, its first heading as a link to it, what it answers."""
    items = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        if path.name.startswith("00-"):
            continue
        title = notebook_title(nbformat.read(path, as_version=4), default=path.stem)
        answer = ANSWERS.get(path.name, "")
        items.append(f"- `{path.name[:2]}` **[{title}]({path.name})**  \n  {answer}".rstrip())
    return "\n".join(items)


def start_here_nb():
    return notebook(
        [
            md(
                "# Start here: following automakers' EV alliances through the news\n\n"
                "These notebooks turn news articles about electric-vehicle alliances into sourced facts, charts "
                "and dated reports: who partners with whom, how, when and for how much, each fact with the "
                "sentence it comes from."
            ),
            md(
                "## What each notebook answers\n\n"
                "Each one runs on its own (Run ▸ Run All Cells) on the five seed articles in `seeds/`, or on "
                "your own articles (below).\n\n" + notebook_list()
            ),
            md(
                "## Working here\n\n"
                "- `make lab`, run in the project folder, sets up `.venv`, registers the kernel and opens this "
                "page (on Binder the environment is ready as it is). The notebooks use the kernel **Python 3 "
                "(ipykernel)**, which here is the project's environment; another Jupyter installation can "
                "pick **Python (ev-alliance-watch)**.\n"
                "- The logic lives in the package `helpers` (`src/helpers/`); put the cursor on a function "
                "and press Shift+Tab, or open Help ▸ Show Contextual Help, for its documentation.\n"
                '- At the prompt, `import helpers` then `tables = helpers.load_tables("../data/processed")` '
                '(or a report folder such as `"../reports/2024-05-06"`) gives every table as a DataFrame.\n'
                "- Running a notebook here changes nothing on disk until you save it. The stored outputs are "
                "what `make test` compares (nbval); after a deliberate change, `make notebooks` re-executes "
                "them all. Saving [05-explorer.ipynb](05-explorer.ipynb) after using its controls only "
                "changes its interactive cell, which nbval does not compare."
            ),
            md(
                "## Your own articles\n\n"
                "Put article files in the project's `data/raw/` folder (in the file browser on the left: up "
                "from `notebooks/` to the project folder, open `data/raw`, drag the files in; or copy them "
                "there): plain text, Markdown, HTML, JSON / JSON Lines or CSV (one article per record). "
                'Page furniture (share buttons, "3 min read", related links, author bios) is removed; every '
                "removed line is listed with its reason in [01-corpus.ipynb](01-corpus.ipynb).\n\n"
                "A `metadata.csv` next to the files tells what the text cannot: one row per file, a header "
                "naming the columns, blank cells left to the cleaner. The seeds have one: "
                "[seeds/metadata.csv](../seeds/metadata.csv).\n\n"
                "| file | url | source | published | author | title |\n"
                "|---|---|---|---|---|---|\n"
                "| nissan-honda-talks.txt | https://example.com/nissan-honda | Example Daily | 2024-03 | A. Writer | |\n"
                "| honda-gm-ends.html | | Example Weekly | 2023-10-25 | | Honda and GM end EV plan |\n\n"
                "- `file` is a file name in the same folder (paths are ignored); other columns are optional "
                "and extra ones (a `note`) are ignored.\n"
                "- `published` may be `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the precision is kept, and relative "
                'dates in the text ("last year") are resolved against it.\n\n'
                'Then, in any notebook, set `corpus = ["data/raw", "seeds"]` in its parameters cell (paths '
                "relative to the project folder) and run it again. For a large corpus, extract once in a "
                "terminal (File ▸ New ▸ Terminal) and point the notebooks at the tables:\n\n"
                "```bash\n"
                "evwatch extract data/raw seeds --out data/processed\n"
                "```\n\n"
                'and set `processed_dir = "../data/processed"` (relative to this folder).'
            ),
            md(
                "## A dated report\n\n"
                "In a terminal in the project folder:\n\n"
                "```bash\n"
                "make report                                   # today's report from seeds/ (+ data/raw/)\n"
                "evwatch render --focus Honda                  # follow one company\n"
                "evwatch render --since 2024-01-01 --until 2024-12-31 --date 2024-12-31\n"
                "```\n\n"
                "Each run executes these notebooks with papermill and writes `reports/YYYY-MM-DD/` (the "
                "executed notebooks, self-contained HTML pages, the tables and a manifest) and "
                "`reports/index.html`, which lists every report by date and works offline. Outside JupyterLab "
                "the command is `.venv/bin/evwatch` (or `make report FOCUS=Honda`). The project's "
                "[README](../README.md) has the full command line."
            ),
            md(
                "## The parameters every notebook takes\n\n"
                "Each notebook has a cell tagged `parameters` like the one below: `evwatch render` injects "
                "new values after it, and you can edit it to run a notebook on other articles or dates."
            ),
            code(PARAMS, ("parameters",)),
            md("## The collection at a glance\n\nEvery numbered notebook and the question its title asks:"),
            code("from helpers.notebooks import notebook_index\n\nnotebook_index()"),
        ]
    )


def explorer_nb():
    return notebook(
        [
            md(f"# {EXPLORER_TITLE}"),
            md(
                "Choose a company, an alliance type, a status and a date window: the table lists the matching "
                "alliance events with the sentence that reports each one, and the timeline is redrawn for the "
                "selection. The controls are ipywidgets and appear when the notebook runs in JupyterLab "
                "(`make lab`, or Binder); in a rendered report, and when the notebooks are tested, the static "
                "view below shows the selection the parameters give (`focus`, `since`, `until`; by default "
                "everything)."
            ),
            code(
                PARAMS
                + "\ninteractive = None  # None: widgets in a live JupyterLab session only; True/False to force",
                ("parameters",),
            ),
            code(
                "%matplotlib inline\n"
                "from helpers import explorer, views\n"
                "from helpers.pipeline import load_or_run\n\n"
                "tables = load_or_run(processed_dir, corpus)\n"
                'alliances = tables["alliances"]'
            ),
            code("print(explorer.summary(tables))", ("headline",)),
            md(
                "## Explore\n\n"
                "Every change redraws the view. *Dates* keeps the events whose date span meets the window (a "
                "year-only date counts for the whole year); undated events are kept unless you untick them. "
                "`ui.events()` returns the current selection as a DataFrame."
            ),
            code(
                "# NBVAL_IGNORE_OUTPUT\n"
                "# Live widgets carry random model ids; papermill and nbval runs print a one-line hint instead\n"
                "# (explorer.is_live_session), so only a notebook saved from JupyterLab differs here.\n"
                "ui = explorer.interactive_view(tables, company=focus, since=since, until=until, "
                "interactive=interactive)"
            ),
            md(
                "## The selection, static\n\n"
                "The same table and timeline drawn once, without widgets: what the report shows. Parties, "
                "type, status and normalized date of each event, the extractor's confidence, the evidence "
                "sentence and the article it comes from (linked when its address is known)."
            ),
            code("explorer.static_view(tables, company=focus, since=since, until=until)"),
            md(
                "## The same filter in code\n\n"
                "`explorer.filter_alliances` takes the same choices (one value or a list; company aliases such "
                'as "GM" resolve) and returns the rows with all their columns, ready to sort, chart or export. '
                "Here: the signed and active ties of the company with the most events."
            ),
            code(
                "busiest = focus or explorer.companies(alliances)[0]\n"
                'cols = ["party_a", "party_b", "type", "status", "when", "evidence"]\n'
                'chosen = explorer.filter_alliances(alliances, company=busiest, status=["signed", "active"])\n'
                'views.excerpt(chosen[cols], "alliance events")'
            ),
        ]
    )


BUILDERS = {"05-explorer.ipynb": explorer_nb, "00-start-here.ipynb": start_here_nb}  # 05 first: 00 lists it


def main() -> int:
    wanted = sys.argv[1:] or list(BUILDERS)
    for name in [n for n in BUILDERS if n in wanted]:
        nbformat.write(BUILDERS[name](), NOTEBOOKS / name)
        print("wrote", NOTEBOOKS / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
