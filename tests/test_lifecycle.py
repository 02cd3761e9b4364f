"""Alliance lifecycles (issue #10): one record per alliance across many articles, its history and sources.

Integration tests run the real pipeline on seeds/ and on tests/fixtures/lifecycle (eight articles that
follow Honda-Nissan from talks in March 2024 to the end of merger talks in February 2025, with a
syndicated copy and a same-day contradiction). Unit tests feed hand-made alliance events to pin the
merging, ordering, conflict and status rules one at a time.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from helpers import config, tables
from helpers.lifecycle import (
    LIFECYCLE_COLUMNS,
    STEP_COLUMNS,
    alliance_id,
    build_lifecycles,
    lifecycle_changes,
    story_table,
)
from helpers.pipeline import run_pipeline

CORPUS = config.PROJ_ROOT / "tests" / "fixtures" / "lifecycle"
STORY = "Honda + Mitsubishi Motors + Nissan"


# ------------------------------------------------------------------------------------------- helpers
def _ids_by_file(articles: pd.DataFrame) -> dict[str, str]:
    """File number ('02', '004') -> article id (ids are content hashes; tests never hard-code them)."""
    names = articles["path"].astype(str).str.rsplit("/", n=1).str[-1].str.split("_").str[0]
    return dict(zip(names, articles["article_id"], strict=True))


def _alliance(lifecycles: pd.DataFrame, parties: str) -> pd.Series:
    hit = lifecycles[lifecycles["parties"] == parties]
    assert len(hit) == 1, lifecycles["parties"].tolist()
    return hit.iloc[0]


def _steps_of(steps: pd.DataFrame, lifecycles: pd.DataFrame, parties: str) -> pd.DataFrame:
    aid = _alliance(lifecycles, parties)["alliance_id"]
    return steps[steps["alliance_id"] == aid].sort_values("step_no").reset_index(drop=True)


def _sources(row: pd.Series) -> set[str]:
    return set(str(row["sources"]).split(", "))


def _events(*rows: dict) -> pd.DataFrame:
    """An alliances table from short dicts: a, b, type, status, article, when/start/end, evidence."""
    out = []
    for i, r in enumerate(rows):
        out.append(
            {
                "article_id": r["article"],
                "party_a": r["a"],
                "party_b": r["b"],
                "type": r["type"],
                "status": r["status"],
                "when": r.get("when"),
                "precision": r.get("precision"),
                "start_date": r.get("start_date"),
                "end_date": r.get("end_date"),
                "value_usd": None,
                "evidence": r.get("evidence", f"sentence {i}"),
                "confidence": r.get("confidence", 0.85),
                "start": r.get("offset", 10 * i),
                "end": r.get("offset", 10 * i) + 5,
            }
        )
    return tables.conform(pd.DataFrame(out), "alliances")


def _day(iso: str) -> dict:
    return {"when": iso, "precision": "day", "start_date": iso, "end_date": iso}


def _articles(**published: str | tuple[str, str] | None) -> pd.DataFrame:
    """articles table: article_id=published date or (published date, duplicate_of)."""
    rows = []
    for aid, value in published.items():
        pub, dup = value if isinstance(value, tuple) else (value, None)
        precision = None if pub is None else {4: "year", 7: "month", 10: "day"}[len(pub)]
        rows.append({"article_id": aid, "path": f"{aid}.txt", "published": pub,
                     "published_precision": precision, "duplicate_of": dup})  # fmt: skip
    return tables.conform(pd.DataFrame(rows), "articles")


# ------------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def seed_lifecycles(seed_tables):
    return build_lifecycles(seed_tables["alliances"], seed_tables["articles"])


@pytest.fixture(scope="module")
def story_tables():
    return run_pipeline([CORPUS])


@pytest.fixture(scope="module")
def story(story_tables):
    lifecycles, steps = build_lifecycles(story_tables["alliances"], story_tables["articles"])
    return lifecycles, steps, _ids_by_file(story_tables["articles"])


# --------------------------------------------------------------------------------------------- seeds
def test_seeds_nissan_honda_is_one_alliance_with_exploring_then_signed_mou(seed_tables, seed_lifecycles):
    lifecycles, steps = seed_lifecycles
    with_both = [p for p in lifecycles["party_list"] if {"Nissan", "Honda"} <= set(p)]
    assert with_both == [["Honda", "Nissan"]]
    mine = _steps_of(steps, lifecycles, "Honda + Nissan")
    assert list(zip(mine["type"], mine["status"], strict=True)) == [
        ("joint_development", "exploring"),
        ("mou", "signed"),
    ]
    # neither article dates the events: both are ordered by their publication month, and say so
    assert set(mine["date_basis"]) == {"published"} and set(mine["date"]) == {"2024-03"}
    ids = _ids_by_file(seed_tables["articles"])
    assert _sources(mine.iloc[0]) == {ids["004"]}
    assert _sources(mine.iloc[1]) == {ids["002"]}
    life = _alliance(lifecycles, "Honda + Nissan")
    assert life["current_status"] == "signed" and life["n_sources"] == 2 and life["n_steps"] == 2


def test_seeds_nissan_fisker_is_one_alliance_backed_by_two_articles(seed_tables, seed_lifecycles):
    lifecycles, steps = seed_lifecycles
    life = _alliance(lifecycles, "Fisker + Nissan")
    assert life["n_sources"] == 2 and life["n_independent"] == 2
    ids = _ids_by_file(seed_tables["articles"])
    both = {ids["001"], ids["004"]}
    investment = _steps_of(steps, lifecycles, "Fisker + Nissan").query("type == 'investment'")
    assert len(investment) == 1  # the two reports of the $400 million talks are one step
    assert _sources(investment.iloc[0]) == both and investment.iloc[0]["n_sources"] == 2
    assert investment.iloc[0]["status"] == "exploring" and not investment.iloc[0]["conflict"]


def test_tables_follow_their_column_contract_and_are_deterministic(seed_tables, seed_lifecycles):
    lifecycles, steps = seed_lifecycles
    assert list(lifecycles.columns) == LIFECYCLE_COLUMNS
    assert list(steps.columns) == STEP_COLUMNS
    assert lifecycles["parties"].tolist() == sorted(lifecycles["parties"])
    for row in lifecycles.itertuples():
        assert row.alliance_id == alliance_id(row.party_list)
        assert row.parties == " + ".join(sorted(row.party_list))
        mine = steps[steps["alliance_id"] == row.alliance_id]
        assert mine["step_no"].tolist() == list(range(1, row.n_steps + 1))
    again = build_lifecycles(seed_tables["alliances"].sample(frac=1, random_state=3), seed_tables["articles"])
    pd.testing.assert_frame_equal(again[0], lifecycles)
    pd.testing.assert_frame_equal(again[1], steps)


def test_tables_write_as_parquet(seed_lifecycles, tmp_path):
    lifecycles, steps = seed_lifecycles
    tables.write_table(lifecycles, tmp_path / "alliance_lifecycles.parquet")
    tables.write_table(steps, tmp_path / "alliance_steps.parquet")
    back = pd.read_parquet(tmp_path / "alliance_lifecycles.parquet")
    assert [list(p) for p in back["party_list"]] == [list(p) for p in lifecycles["party_list"]]
    assert len(pd.read_parquet(tmp_path / "alliance_steps.parquet")) == len(steps)


# ------------------------------------------------------------------------ the multi-article corpus
def test_fixture_corpus_yields_the_events_its_articles_state(story_tables):
    """Guard on the extractor: the lifecycle tests below rest on these events."""
    al = story_tables["alliances"]
    ids = _ids_by_file(story_tables["articles"])
    hn = al[al.apply(lambda r: {r["party_a"], r["party_b"]} == {"Honda", "Nissan"}, axis=1)]

    def has(file: str, type_: str, status: str, when: str | None = None) -> bool:
        rows = hn[(hn["article_id"] == ids[file]) & (hn["type"] == type_) & (hn["status"] == status)]
        return bool(len(rows)) and (when is None or when in set(rows["when"].dropna()))

    assert has("01", "joint_development", "exploring", "2024-03-13")
    assert has("02", "mou", "signed", "2024-03-15") and has("03", "mou", "signed", "2024-03-15")
    assert has("04", "mou", "exploring")  # the stale newsletter
    assert has("05", "mou", "signed", "2024-08-01")
    assert has("06", "merger_talks", "signed", "2024-12-23")
    assert has("07", "cancellation", "cancelled", "2025-02-13")
    assert has("08", "mou", "signed", "2024-03") and has("08", "cancellation", "cancelled", "2025-02")
    trio = al[(al["article_id"] == ids["05"]) & (al["type"] == "mou")]
    assert {frozenset(p) for p in zip(trio["party_a"], trio["party_b"], strict=True)} == {
        frozenset(p)
        for p in [("Honda", "Nissan"), ("Honda", "Mitsubishi Motors"), ("Nissan", "Mitsubishi Motors")]
    }


def test_syndicated_copy_is_a_duplicate(story_tables):
    arts = story_tables["articles"]
    ids = _ids_by_file(arts)
    dup = dict(zip(arts["article_id"], arts["duplicate_of"], strict=True))
    assert dup[ids["03"]] == ids["02"]
    assert sum(isinstance(v, str) for v in dup.values()) == 1


def test_honda_nissan_story_is_one_alliance_with_its_history(story):
    lifecycles, steps, ids = story
    assert lifecycles["parties"].tolist() == [
        "Foxconn + Nissan",
        STORY,  # no separate "Honda + Nissan": Mitsubishi Motors joined it
        "Mitsubishi Motors + Nissan",  # Nissan's stake, reported after the three-way tie: not absorbed
        "Mitsubishi Motors + Nissan + Renault",  # "an alliance with Renault and Mitsubishi Motors"
    ]
    life = _alliance(lifecycles, STORY)
    mine = _steps_of(steps, lifecycles, STORY)
    history = list(zip(mine["date"], mine["type"], mine["status"], strict=True))
    assert history == [
        ("2024-03-13", "joint_development", "exploring"),
        ("2024-03-15", "technology_sharing", "exploring"),
        ("2024-03-15", "mou", "signed"),
        ("2024-08-01", "platform_sharing", "announced"),
        ("2024-08-01", "mou", "signed"),
        ("2024-12-23", "merger_talks", "signed"),
        ("2025-02-13", "cancellation", "cancelled"),
    ]
    assert mine["joined"].fillna("").tolist() == ["", "", "", "", "Mitsubishi Motors", "", ""]
    assert mine.loc[4, "step_parties"] == STORY
    assert set(mine.loc[mine.index != 4, "step_parties"]) == {"Honda + Nissan"}
    assert mine.loc[1, "date_basis"] == "published"  # the newsletter gives no date: its publication day
    assert (mine.loc[mine.index != 1, "date_basis"] == "event").all()
    assert life["current_status"] == "cancelled"
    assert (life["first_seen"], life["last_seen"]) == ("2024-03-13", "2025-02-13")
    assert life["n_sources"] == 8 and life["n_independent"] == 7 and life["n_steps"] == 7
    assert "now ended (merger talks ended)" in life["summary"]
    assert "Mitsubishi Motors joined 2024-08-01" in life["summary"]


def test_repeated_reports_are_one_step_with_several_sources(story):
    lifecycles, steps, ids = story
    mine = _steps_of(steps, lifecycles, STORY).set_index(["date", "type"])
    mou = mine.loc[("2024-03-15", "mou")]
    # the wire story, its syndicated copy, a year-on analysis ("in March 2024") and the dissenting newsletter
    assert _sources(mou) == {ids["02"], ids["03"], ids["08"], ids["04"]}
    assert (mou["n_sources"], mou["n_independent"]) == (4, 3)
    assert mou["precision"] == "day"  # the most precise report sets the date
    ended = mine.loc[("2025-02-13", "cancellation")]
    assert _sources(ended) == {ids["07"], ids["08"]} and ended["n_sources"] == 2


def test_same_day_contradiction_is_flagged_not_hidden(story):
    lifecycles, steps, ids = story
    flagged = steps[steps["conflict"]]
    assert len(flagged) == 1
    step = flagged.iloc[0]
    assert (step["parties"], step["type"], step["date"]) == (STORY, "mou", "2024-03-15")
    assert step["status"] == "signed"  # three independent reports against one
    signed = ", ".join(sorted([ids["02"], ids["03"], ids["08"]]))
    assert step["conflict_detail"] == f"status: signed ({signed}) vs exploring ({ids['04']})"
    assert _alliance(lifecycles, STORY)["n_conflicts"] == 1


def test_story_table_reads_top_to_bottom(story):
    lifecycles, steps, ids = story
    view = story_table(steps, lifecycles, "Nissan–Honda")
    assert list(view.columns) == ["step_no", "story", "sources"]
    lines = view["story"].tolist()
    assert lines[0] == "2024-03-13 (day): Honda and Nissan were exploring joint development — 1 source"
    assert lines[1] == (
        "2024-03-15 (day, publication date): Honda and Nissan were exploring technology sharing — 1 source"
    )
    assert lines[2].startswith(
        "2024-03-15 (day): Honda and Nissan signed an MOU — 4 sources (3 independent); disputed — status: "
    )
    assert lines[4] == (
        "2024-08-01 (day): Honda, Mitsubishi Motors and Nissan signed an MOU (Mitsubishi Motors joins) — 1 source"
    )
    assert (
        lines[5] == "2024-12-23 (day): Honda and Nissan signed an agreement to start merger talks — 1 source"
    )
    assert lines[-1] == "2025-02-13 (day): Honda and Nissan ended their merger talks — 2 sources"
    aid = _alliance(lifecycles, STORY)["alliance_id"]
    for key in (aid, STORY, ["Nissan", "Honda", "Mitsubishi Motors"]):
        pd.testing.assert_frame_equal(story_table(steps, lifecycles, key), view)
    with pytest.raises(KeyError):
        story_table(steps, lifecycles, "Toyota–Honda")


def test_lifecycle_changes_phrase_what_happened_since_the_last_report(story, tmp_path):
    lifecycles, steps, ids = story
    for name in ("01_nissan-honda-talks-report.txt", "02_nissan-honda-mou-signed.txt",
                 "03_nissan-honda-mou-syndicated.txt", "metadata.csv"):  # fmt: skip
        shutil.copy(CORPUS / name, tmp_path / name)
    early = run_pipeline([tmp_path])
    before_life, before = build_lifecycles(early["alliances"], early["articles"])
    assert _alliance(before_life, "Honda + Nissan")["current_status"] == "signed"
    changes = lifecycle_changes(before, steps)
    label = "Honda–Mitsubishi Motors–Nissan"
    for line in (
        f"{label}: Mitsubishi Motors joined (2024-08-01)",
        f"{label}: MOU signed (2024-03-15) now has 4 sources (was 2)",
        f"{label}: new step MOU signed (1 source)",
        f"{label}: new step merger talks agreed (1 source)",
        f"{label}: merger talks ended (2 sources)",
    ):
        assert line in changes, changes
    assert any(
        line.startswith(f"{label}: MOU signed (2024-03-15) now disputed — status: signed") for line in changes
    )
    assert lifecycle_changes(steps, steps) == []
    assert lifecycle_changes(None, steps) == []  # first report: nothing to compare with
    from_nothing = lifecycle_changes(steps.iloc[0:0], steps)  # an earlier report without alliances
    assert len(from_nothing) == len(lifecycles) and all(": new alliance, " in line for line in from_nothing)
    assert f"{label}: new alliance, 7 steps; latest merger talks ended (2 sources)" in from_nothing
    assert lifecycle_changes(steps, steps.iloc[0:0]) == [
        f"{'–'.join(p)}: no longer reported in the corpus" for p in lifecycles["party_list"]
    ]
    assert lifecycle_changes(before, steps) == changes  # deterministic


# ------------------------------------------------------------------------------------- unit rules
def test_three_way_tie_stated_as_pairs_is_one_alliance_and_a_joiner_extends_the_pair():
    trio = "Toyota, Subaru and Mazda signed a memorandum of understanding on engines."
    events = _events(
        {"a": "Subaru", "b": "Toyota", "type": "joint_development", "status": "exploring", "article": "a1"},
        {"a": "Toyota", "b": "Subaru", "type": "mou", "status": "signed", "article": "a2", "evidence": trio},
        {"a": "Toyota", "b": "Mazda", "type": "mou", "status": "signed", "article": "a2", "evidence": trio},
        {"a": "Subaru", "b": "Mazda", "type": "mou", "status": "signed", "article": "a2", "evidence": trio},
    )
    lifecycles, steps = build_lifecycles(events, _articles(a1="2024-01-10", a2="2024-05-28"))
    assert lifecycles["parties"].tolist() == ["Mazda + Subaru + Toyota"]
    assert steps["joined"].fillna("").tolist() == ["", "Mazda"]
    assert steps["n_sources"].tolist() == [1, 1]  # the three pairs of one sentence are one report


def test_a_newcomer_tied_to_both_partners_joins_their_alliance():
    join = "Mazda will join the partnership, tying up with Toyota and with Subaru."
    events = _events(
        {"a": "Subaru", "b": "Toyota", "type": "joint_development", "status": "announced", "article": "a1"},
        {
            "a": "Mazda",
            "b": "Toyota",
            "type": "other",
            "status": "planned",
            "article": "a2",
            "evidence": join,
        },
        {
            "a": "Mazda",
            "b": "Subaru",
            "type": "other",
            "status": "planned",
            "article": "a2",
            "evidence": join,
        },
    )
    lifecycles, steps = build_lifecycles(events, _articles(a1="2024-01-10", a2="2024-05-28"))
    assert lifecycles["parties"].tolist() == ["Mazda + Subaru + Toyota"]
    assert steps["step_parties"].tolist() == ["Subaru + Toyota", "Mazda + Subaru + Toyota"]
    assert steps["joined"].fillna("").tolist() == ["", "Mazda"]


def test_a_company_with_two_unrelated_partners_is_two_alliances():
    hub = "Nissan signed deals with Honda and with Fisker."
    events = _events(
        {"a": "Nissan", "b": "Honda", "type": "mou", "status": "signed", "article": "a1", "evidence": hub},
        {
            "a": "Nissan",
            "b": "Fisker",
            "type": "investment",
            "status": "signed",
            "article": "a1",
            "evidence": hub,
        },
    )
    lifecycles, _ = build_lifecycles(events, _articles(a1="2024-03"))
    assert lifecycles["parties"].tolist() == ["Fisker + Nissan", "Honda + Nissan"]


def test_undated_steps_are_ordered_by_publication_and_marked():
    events = _events(
        {"a": "Kia", "b": "Hyundai", "type": "supply", "status": "active", "article": "nodate"},
        {"a": "Kia", "b": "Hyundai", "type": "investment", "status": "signed", "article": "late"},
        {"a": "Kia", "b": "Hyundai", "type": "joint_development", "status": "announced", "article": "early",
         **_day("2024-06-01")},
    )  # fmt: skip
    _, steps = build_lifecycles(events, _articles(nodate=None, late="2024-02", early="2024-07-01"))
    assert list(zip(steps["type"], steps["date"].fillna("-"), steps["date_basis"], strict=True)) == [
        ("investment", "2024-02", "published"),
        ("joint_development", "2024-06-01", "event"),
        ("supply", "-", "unknown"),
    ]
    assert steps["precision"].fillna("-").tolist() == ["month", "day", "-"]


def test_two_dates_for_one_signing_are_flagged_with_the_majority_date():
    events = _events(
        {"a": "Ford", "b": "SK On", "type": "joint_venture", "status": "signed", "article": "x", **_day("2024-03-15")},
        {"a": "Ford", "b": "SK On", "type": "joint_venture", "status": "signed", "article": "y", **_day("2024-03-15")},
        {"a": "Ford", "b": "SK On", "type": "joint_venture", "status": "signed", "article": "z", **_day("2024-03-18")},
    )  # fmt: skip
    _, steps = build_lifecycles(events, _articles(x="2024-03-16", y="2024-03-17", z="2024-03-19"))
    assert len(steps) == 1
    step = steps.iloc[0]
    assert step["date"] == "2024-03-15" and step["n_sources"] == 3 and step["conflict"]
    assert step["conflict_detail"] == "date: 2024-03-15 (x, y) vs 2024-03-18 (z)"


def test_far_apart_signings_are_separate_steps_and_a_coarse_restatement_joins_the_precise_one():
    events = _events(
        {"a": "Ford", "b": "SK On", "type": "mou", "status": "signed", "article": "x", **_day("2024-03-15")},
        {"a": "Ford", "b": "SK On", "type": "mou", "status": "signed", "article": "y", **_day("2024-08-01")},
        {"a": "Ford", "b": "SK On", "type": "mou", "status": "signed", "article": "z", "when": "2024-03",
         "precision": "month", "start_date": "2024-03-01", "end_date": "2024-03-31"},
    )  # fmt: skip
    _, steps = build_lifecycles(events, _articles(x="2024-03-16", y="2024-08-02", z="2025-01"))
    assert steps["date"].tolist() == ["2024-03-15", "2024-08-01"]
    assert steps["sources"].tolist() == ["x, z", "y"]
    assert not steps["conflict"].any()


def test_a_syndicated_copy_is_a_source_but_cannot_contradict_its_original():
    events = _events(
        {"a": "Honda", "b": "Sony", "type": "joint_venture", "status": "signed", "article": "orig", **_day("2022-03-04")},
        {"a": "Honda", "b": "Sony", "type": "joint_venture", "status": "signed", "article": "copy", **_day("2022-03-04")},
        {"a": "Honda", "b": "Sony", "type": "joint_venture", "status": "exploring", "article": "copy"},
    )  # fmt: skip
    lifecycles, steps = build_lifecycles(events, _articles(orig="2022-03-04", copy=("2022-03-05", "orig")))
    assert steps["sources"].tolist()[0] == "copy, orig"
    assert steps["n_independent"].tolist()[0] == 1
    assert not steps["conflict"].any()
    assert lifecycles.iloc[0]["n_independent"] == 1


def test_generic_tie_folds_into_the_precise_step_it_restates():
    events = _events(
        {"a": "VW", "b": "Rivian", "type": "joint_venture", "status": "signed", "article": "a", **_day("2024-06-25")},
        {"a": "VW", "b": "Rivian", "type": "other", "status": "active", "article": "b"},
        {"a": "VW", "b": "Xpeng", "type": "other", "status": "announced", "article": "b"},
    )  # fmt: skip
    lifecycles, steps = build_lifecycles(events, _articles(a="2024-06-25", b="2024-11"))
    rivian = _steps_of(steps, lifecycles, "Rivian + VW")
    assert rivian[["type", "status", "sources"]].values.tolist() == [["joint_venture", "signed", "a, b"]]
    xpeng = _steps_of(steps, lifecycles, "VW + Xpeng")  # nothing precise to fold into: kept as it is
    assert xpeng[["type", "status", "date_basis"]].values.tolist() == [["other", "announced", "published"]]


def test_current_status_precedence():
    signed = {"type": "mou", "status": "signed"}
    ended = {"type": "cancellation", "status": "cancelled"}
    base = {"a": "Apple", "b": "Hyundai"}
    # cancelled reported in the same period as signed: the alliance ended
    lifecycles, _ = build_lifecycles(
        _events({**base, **signed, "article": "a"}, {**base, **ended, "article": "b"}),
        _articles(a="2024-02", b="2024-02-20"),
    )
    assert lifecycles.iloc[0]["current_status"] == "cancelled"
    assert "now ended" in lifecycles.iloc[0]["summary"]
    # a signing after the end revives it; a plan dated after the newest report is a forecast, not a status
    lifecycles, steps = build_lifecycles(
        _events(
            {**base, **ended, "article": "b"},
            {**base, **signed, "article": "c"},
            {
                **base,
                "type": "joint_development",
                "status": "planned",
                "article": "c",
                "when": "2027",
                "precision": "year",
                "start_date": "2027-01-01",
                "end_date": "2027-12-31",
            },
        ),  # fmt: skip
        _articles(b="2024-02-20", c="2024-09-01"),
    )
    assert lifecycles.iloc[0]["current_status"] == "signed"
    assert lifecycles.iloc[0]["last_seen"] == "2024-09-01"
    assert steps["future"].tolist() == [False, False, True]


def test_empty_input_gives_empty_tables_with_their_columns():
    lifecycles, steps = build_lifecycles(tables.empty("alliances"), tables.empty("articles"))
    assert lifecycles.empty and list(lifecycles.columns) == LIFECYCLE_COLUMNS
    assert steps.empty and list(steps.columns) == STEP_COLUMNS


def test_rows_without_parties_type_or_status_are_skipped_and_names_are_trimmed():
    events = _events(
        {
            "a": " Honda ",
            "b": "Nissan",
            "type": "mou",
            "status": "signed",
            "article": "a1",
            **_day("2024-08-01"),
        },
        {
            "a": "Honda",
            "b": "Nissan ",
            "type": "mou",
            "status": "signed",
            "article": "a2",
            **_day("2024-08-01"),
        },
        {"a": "Honda", "b": "Honda", "type": "mou", "status": "signed", "article": "a2"},
        {"a": "Honda", "b": "  ", "type": "mou", "status": "signed", "article": "a2"},
        {"a": "Honda", "b": "Nissan", "type": "mou", "status": None, "article": "a2"},
    )
    lifecycles, steps = build_lifecycles(events, _articles(a1="2024-08-01", a2="2024-08-02"))
    assert lifecycles["parties"].tolist() == ["Honda + Nissan"]
    assert steps[["status", "n_sources", "date"]].values.tolist() == [["signed", 2, "2024-08-01"]]


def test_a_minimal_alliances_table_and_no_articles_are_enough():
    """Columns beyond parties, type and status are optional; claims are then undated, one per article."""
    events = pd.DataFrame(
        {
            "article_id": ["a1", "a2", None],
            "party_a": ["BYD", "BYD", "BYD"],
            "party_b": ["Uber", "Uber", "Uber"],
            "type": ["supply", "supply", "supply"],
            "status": ["signed", "active", "signed"],
        }
    )
    lifecycles, steps = build_lifecycles(events, None)
    assert lifecycles[["parties", "current_status", "n_sources"]].values.tolist() == [
        ["BYD + Uber", "signed", 3]
    ]
    assert steps[["date_basis", "status", "sources"]].values.tolist() == [["unknown", "signed", ", a1, a2"]]


def test_a_story_repeated_by_hundreds_of_reports_stays_one_step_per_event():
    """Many restatements of one signing (and their copies) are sources of one step, not new steps."""
    rows, dates = [], {}
    for i in range(300):
        art = f"r{i:03d}"
        dates[art] = f"2024-{4 + i % 6:02d}-{1 + i % 28:02d}"  # all after the signing
        rows.append({"a": "Honda", "b": "Nissan", "type": "mou", "status": "signed", "article": art,
                     "evidence": "Honda and Nissan signed an MOU.", **_day("2024-03-15")})  # fmt: skip
        rows.append({"a": "Honda", "b": "Nissan", "type": "other", "status": "active", "article": art,
                     "evidence": "The partnership continues."})  # fmt: skip
    lifecycles, steps = build_lifecycles(_events(*rows), _articles(**dates))
    assert steps[["type", "status", "date", "n_sources"]].values.tolist() == [
        ["mou", "signed", "2024-03-15", 300]
    ]
    assert lifecycles.iloc[0]["n_sources"] == 300 and lifecycles.iloc[0]["n_steps"] == 1
