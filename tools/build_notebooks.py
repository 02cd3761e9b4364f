"""Write the numbered notebooks' sources (cells without outputs); `make notebooks` then executes them.

Kept in the repository so the notebooks' structure is reviewable as code; edit here, rebuild, re-execute.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

PARAMS = """# Parameters (papermill injects new values; these defaults render the seeds)
corpus = None  # list of files or folders (None: the seeds)
processed_dir = None  # folder of tables from the render data stage (None: compute here)
focus = None  # company to focus on, e.g. "Honda"
since = None  # only events on or after this ISO date
until = None  # only events on or before this ISO date
report_date = None  # the date of the report (set by evwatch render)"""

LOAD = """%matplotlib inline
from helpers import charts, views
from helpers.pipeline import load_or_run

tables = load_or_run(processed_dir, corpus)
articles = tables["articles"]"""


# A long table shows its first rows and says how many there are (views.excerpt); the alliance events
# of the most-reported company pairs come first.
ALLIANCE_EVENTS = """events = views.alliance_table({events}, articles, focus)
shown = views.excerpt(
    events, "alliance events", most_common="parties", order="the most-reported company pairs first", table="alliances"
)
HTML(views.html_table(shown, link_column="url"))"""


def md(text: str):
    return new_markdown_cell(text.strip())


def code(text: str, tags: tuple[str, ...] = ()):
    cell = new_code_cell(text.strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def corpus_nb():
    return notebook(
        [
            md("# The corpus: what went in, what cleaning kept, what was set aside"),
            md(
                "Every report starts here. This notebook loads the corpus (by default the five seed articles in "
                "`seeds/`), cleans each article of page furniture, looks for duplicate copies and lists the inputs "
                "that could not be read. Nothing is dropped silently: each removed line and each rejected file "
                "appears below with its reason. On a large corpus a long table shows its first 100 rows and says "
                "how many it has; every row stays in the report's `data/` tables."
            ),
            code(PARAMS, ("parameters",)),
            code(LOAD),
            code("print(views.corpus_headline(tables))", ("headline",)),
            md(
                "## The articles\n\nOne row per article. `published` carries its precision (`day`, `month`, `year`) "
                "and its basis: `metadata` (the sidecar `metadata.csv` or the page's own metadata), `dateline` (a "
                "date printed in the text) or `unknown`. `kept_pct` is the share of the raw text left after cleaning."
            ),
            code('views.excerpt(views.article_table(articles), "articles", table="articles")'),
            md(
                "## How much text cleaning removed\n\nHollow markers are the raw length, filled markers the clean "
                "length. A large gap means a page heavy with widgets, promos or related links."
            ),
            code("charts.length_chart(articles)"),
            md(
                "## When the articles were published\n\nArticles per month of publication, by source. Articles "
                "without a known date get their own bar rather than a made-up one."
            ),
            code("charts.coverage_chart(articles)"),
            md(
                "## What cleaning removed, and why\n\nLine rules recognise reading-time notes, image placeholders, "
                "breadcrumbs, related-link lists, share/subscribe/comment widgets, author bios and promos; lines that "
                "recur across several articles of one source are removed as template text. The first table counts "
                "lines per reason; the second lists every removed line so the cleaning can be audited."
            ),
            code('views.removed_summary(tables["removed_lines"])'),
            code(
                'views.excerpt(views.removed_lines(tables["removed_lines"], articles), "removed lines", '
                'table="removed_lines")'
            ),
            md(
                "## Duplicates\n\nSyndicated copies and re-posts are grouped with the article they repeat (exact "
                "copies by hash, near copies by MinHash similarity of word 5-grams). An empty table means every "
                "article is distinct."
            ),
            code(
                'views.excerpt(views.duplicates_table(tables["duplicates"], articles), "duplicate copies", '
                'table="duplicates")'
            ),
            md(
                "## Quarantine\n\nInputs that could not become articles: binary or empty files, text that is not "
                "UTF-8, malformed JSON or CSV records, files over the size limit. An empty table means every input "
                "was read."
            ),
            code('views.excerpt(views.quarantine_table(tables["quarantine"]), "inputs", table="quarantine")'),
        ]
    )


def extraction_nb():
    return notebook(
        [
            md("# Extraction: companies, people, figures, dates and alliance events, with their evidence"),
            md(
                "From each clean article the extractor reads who is mentioned (companies, people with their role, "
                "products, places), which figures are quoted (money, percentages, counts) and what they measure, "
                "which time expressions place events in time, and which alliances the text reports. Every fact keeps "
                "its article id, character offsets and evidence sentence. The last section scores the extractor "
                "against the hand annotations of the seeds. A long table shows its first 100 rows and says how "
                "many it has; every row stays in the report's `data/` tables."
            ),
            code(
                PARAMS
                + "\ngold_file = None  # hand annotations to score against (None: the seeds gold file)\n"
                "max_articles_shown = 5  # articles to show with highlighted mentions",
                ("parameters",),
            ),
            code(LOAD + "\nfrom IPython.display import HTML\n\nfrom helpers import config, evaluate"),
            code("print(views.extraction_headline(tables))", ("headline",)),
            md(
                "## Facts per article\n\nHow many distinct companies, people and places each article names, and how many figures, time expressions and alliance events were read from it."
            ),
            code('views.excerpt(views.facts_per_article(tables), "articles")'),
            md(
                "## Mentions in context\n\nEach article's text with its mentions marked: blue companies, orange "
                "people, green products, purple places, grey cited publications. Hover a mark to see the canonical "
                'name ("Mitsubishi" resolves to Mitsubishi Motors or Mitsubishi Corporation from the article\'s '
                "other mentions)."
            ),
            code(
                'shown = articles.sort_values("path").head(max_articles_shown)\n'
                "pieces = []\n"
                "for art in shown.itertuples():\n"
                '    m = tables["mentions"][tables["mentions"]["article_id"] == art.article_id]\n'
                "    pieces.append(views.highlight_html(art.body, m, title=views.label(art.title, art.path)))\n"
                'HTML("<hr>".join(pieces))'
            ),
            md("## People\n\nPeople named next to a role title, with the organisation they speak for."),
            code('views.excerpt(views.people_table(tables["mentions"]), "people")'),
            md(
                "## Figures\n\nMoney (with currency and US-dollar value), percentages and counts, each with its "
                'qualifier ("more than", "approximately"), what it measures, the market or company it is about, '
                "and its period when the sentence gives one."
            ),
            code(
                'views.excerpt(views.figures_table(tables["figures"], articles), "figures", table="figures")'
            ),
            md(
                "## Time expressions\n\nDates as written and as normalized against the publication date. A year-only "
                "date covers the whole year; a Japanese fiscal year N runs from April N to March N+1; relative "
                "expressions in an undated article stay unresolved."
            ),
            code(
                'views.excerpt(views.timeline_table(tables["timeline"], articles), "time expressions", '
                'table="timeline")'
            ),
            md(
                "## Alliance events\n\nOne row per relationship a sentence states: parties, type, status, time, and the evidence sentence."
            ),
            code(ALLIANCE_EVENTS.format(events='tables["alliances"]')),
            md(
                "## How good is the extractor?\n\nPrecision, recall and F1 against the hand annotations in "
                "`../shared/gold/seeds.json` (articles of the corpus that the gold file annotates). Alliance pairs are "
                "unordered; a figure matches on kind, value and market/company; a date matches when its text is found "
                "and normalized as annotated. The table after it lists every miss and false alarm."
            ),
            code(
                "from pathlib import Path\n\ngold_path = Path(gold_file) if gold_file else config.GOLD_FILE\n"
                "result = evaluate.evaluate(tables, evaluate.load_gold(gold_path)) if gold_path.exists() else None\n"
                'result["scores"] if result else "No gold file found: evaluation skipped."'
            ),
            code('result["errors"] if result else None'),
        ]
    )


def alliances_nb():
    return notebook(
        [
            md("# Who is partnering with whom, and when?"),
            md(
                "The alliance events extracted from the corpus, drawn three ways: a timeline (when each tie was "
                "reported, at the precision the text gives), a network (who is tied to whom, and how), and the table "
                "of events with the sentence that supports each one. Set `focus` to follow one company, and "
                "`since`/`until` to narrow the time window. On a large corpus each chart draws the most-reported "
                "company pairs, companies and alliances and says in its subtitle how many of how many; the tables "
                "show their first 100 rows, the most-reported first."
            ),
            code(PARAMS, ("parameters",)),
            code(
                LOAD
                + '\nfrom IPython.display import HTML\n\nalliances = views.in_window(tables["alliances"], since, until)'
            ),
            code("print(views.alliance_headline(alliances, focus))", ("headline",)),
            md(
                "## Timeline\n\nOne lane per company pair. A filled marker sits at a stated day; a date known only "
                "to the month or year is drawn as a translucent span over that period with a hollow marker, never as "
                'a made-up day; planned windows ("between 2027 and 2031") are bars. Events the text does not date '
                "are listed apart, in the *Undated* panel, rather than placed at an invented date. A lane crowded "
                "with more than 24 dated events (a joint venture every article mentions) draws each type and "
                "status once, as a span from its first to its last report."
            ),
            code("charts.alliance_timeline(alliances, focus=focus, since=since, until=until)"),
            md(
                "## Network\n\nCompanies are nodes, sized by how often the corpus mentions them; edges are alliance "
                "types (colour and marker per type, as in every chart of this collection), dashed when the tie is "
                "only explored, planned or cancelled."
            ),
            code('charts.alliance_network(alliances, tables["mentions"], focus=focus)'),
            md(
                "## The events and their evidence\n\nEach row is one relationship a sentence states, with its type, "
                "status, date as normalized, the extractor's confidence, and the evidence sentence; the article "
                "title links to the original when its address is known."
            ),
            code(ALLIANCE_EVENTS.format(events="alliances")),
            md(
                "## Alliance lifecycles\n\nThe events above, merged across articles: one row per alliance (the same "
                "set of partners, or a partner joining an existing one), with when it was first and last reported, "
                "its current status (the status of its latest dated step) and how many articles back it. Repeated "
                "reports of the same step count as sources of one step; syndicated copies are not independent."
            ),
            code(
                'lifecycles, steps = tables["alliance_lifecycles"], tables["alliance_steps"]\n'
                'views.excerpt(views.lifecycle_table(lifecycles, focus), "alliances", '
                'order="most sources first", table="alliance_lifecycles")'
            ),
            md(
                "### Lifecycles over time\n\nOne lane per alliance; markers are its steps (colour and shape by type, "
                '"p" when only the publication date places a step, "×N" when several articles report it, a '
                "yellow \"!\" when sources disagree); the lane's line shows the alliance's current status."
            ),
            code("charts.lifecycle_timeline(steps, lifecycles, focus=focus, since=since, until=until)"),
            md(
                "### The story of each alliance\n\nStep by step, oldest first. A step dated only by its article's "
                "publication says so; a step the sources disagree on is marked *disputed* with both claims."
            ),
            code("HTML(views.stories_html(steps, lifecycles, focus))"),
        ]
    )


def market_share_nb():
    return notebook(
        [
            md("# How much of the market is electric, and do the articles agree with the data?"),
            md(
                "The reference series is the IEA's electric-car share of new car sales (BEV + PHEV) by region "
                "(`data/reference/iea_ev_sales_share.csv`, Global EV Outlook 2025, CC BY 4.0). On top of it sit the "
                "market-share claims the articles make. Each claim is compared with the reference for the same "
                'market in the nearest year, honouring its qualifier ("approximately 20%", "less than 0.5%").'
            ),
            code(
                PARAMS
                + "\nreference_file = None  # CSV with region, year, ev_sales_share_pct (None: the IEA series)",
                ("parameters",),
            ),
            code(
                LOAD + "\nfrom helpers import market\n\n"
                "reference = market.load_reference(reference_file)\n"
                'claims = market.share_claims(tables["figures"], articles)\n'
                "comparison = market.compare_claims(claims, reference)"
            ),
            code("print(views.market_headline(comparison))", ("headline",)),
            md(
                "## EV share of new car sales: reference and claims\n\nLines are the reference series; points are "
                "the articles' claims, placed at the year they describe (the stated period, else the latest full "
                'year before publication), with arrows for "more than" / "less than" claims.'
            ),
            code("charts.market_share_chart(reference, comparison)"),
            md(
                "## Each claim beside the reference\n\n`verdict` says whether the claim is consistent with the "
                "reference (within 2 percentage points or 15%, whichever is larger), higher or lower, and by how "
                "much; `comparison` says it in words."
            ),
            code('views.excerpt(views.comparison_table(comparison), "claims")'),
            md(
                "## Company-level figures\n\nShares the articles quote for a company rather than a market, such as "
                "an automaker's EV share of its own sales. These have no market series to compare with, so they get "
                "their own chart."
            ),
            code('charts.company_share_chart(tables["figures"])'),
        ]
    )


def main() -> int:
    builders = {
        "01-corpus.ipynb": corpus_nb,
        "02-extraction.ipynb": extraction_nb,
        "03-alliances.ipynb": alliances_nb,
        "04-market-share.ipynb": market_share_nb,
    }
    wanted = sys.argv[1:] or list(builders)
    for name in wanted:
        nbformat.write(builders[name](), NOTEBOOKS / name)
        print("wrote", NOTEBOOKS / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
