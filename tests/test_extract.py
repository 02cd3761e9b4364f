"""Extraction on sentences written for these tests (never the seeds): entities, figures, alliances."""

from __future__ import annotations

import pytest

from helpers.clean import CleanArticle
from helpers.extract import extract_facts


def facts(body: str, published: str | None = "2024-06-15", precision: str | None = "day"):
    cleaned = CleanArticle(
        body=body, published=published, published_precision=precision, published_basis="metadata"
    )
    return extract_facts("test", cleaned)


def companies(body: str) -> set[str]:
    return {m["canonical"] for m in facts(body)["mentions"] if m["kind"] == "company"}


def pairs(body: str, **kwargs) -> set[tuple[str, str, str]]:
    return {(*sorted((a["party_a"], a["party_b"])), a["type"]) for a in facts(body, **kwargs)["alliances"]}


def test_aliases_brands_and_units_resolve_to_canonical_companies():
    found = companies(
        "GM and VW executives met Hyundai Motor Group leaders; Chevrolet and Cariad staff joined."
    )
    assert found == {"General Motors", "Volkswagen", "Hyundai"}


def test_ambiguous_mitsubishi_follows_the_article():
    assert companies("Mitsubishi will sell the SUV in Europe.") == {"Mitsubishi Motors"}
    text = "Mitsubishi Corporation invested in the startup. Mitsubishi said the fund is its largest."
    assert companies(text) == {"Mitsubishi Corporation"}


def test_acronym_is_an_alias_only_where_the_text_defines_it():
    defined = facts("Toyota Tsusho (TTC) signed a deal with Panasonic. TTC will buy cells.")["mentions"]
    assert [m["canonical"] for m in defined if m["text"] == "TTC"] == ["Toyota Tsusho", "Toyota Tsusho"]
    assert "Mitsubishi Corporation" not in companies("The MC said the concert was sold out.")


def test_people_with_role_and_organisation():
    found = facts(
        "Ford chief executive Jim Farley said the plant is on track. Farley added that demand is firm."
    )
    people = [m for m in found["mentions"] if m["kind"] == "person"]
    assert {(p["canonical"], p["role"], p["org"]) for p in people} == {("Jim Farley", "CEO", "Ford")}
    assert len(people) == 2  # the later surname-only mention links back


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a name is not glued to the sentence before it ("CEO. Shilpan Amin" is not "O. Shilpan Amin")
        ("Kia's chief is Ho Sung Song, its CEO. Sean Yoon, Kia's head of design, spoke.", {"Sean Yoon"}),
        ("The venture will be run by co-chief executives Anna Berg, a Volvo veteran.", {"Anna Berg"}),
        ("Maria Klein, the BMW board member responsible for China, said so.", {"Maria Klein"}),
        (
            "Kia brand chief Lena Ortiz said so. Group chief executive Omar Haddad agreed.",
            {"Lena Ortiz", "Omar Haddad"},
        ),
        ("Lena Ortiz, who returned as Kia chief executive in April, said so.", {"Lena Ortiz"}),
        (
            "Omar Haddad, who comes from Volvo, has been appointed chief executive, with Lena Ortiz as chief "
            "operating officer.",
            {"Omar Haddad", "Lena Ortiz"},
        ),
        ("Before President-elect Lena Ortiz takes office, nothing changes.", {"Lena Ortiz"}),
    ],
)
def test_people_named_beside_more_kinds_of_title(body, expected):
    people = {m["canonical"] for m in facts(body)["mentions"] if m["kind"] == "person"}
    assert expected <= people and not any(p.startswith("O. ") for p in people), people


def test_a_founder_named_like_the_company_is_a_person_and_the_company_stays_a_company():
    mentions = facts("Founder and chief executive Henrik Fisker took Fisker public. Fisker later failed.")[
        "mentions"
    ]
    people = [(m["text"], m["start"]) for m in mentions if m["kind"] == "person"]
    companies = [(m["text"], m["start"]) for m in mentions if m["kind"] == "company"]
    assert people == [("Henrik Fisker", 28)]  # the later "Fisker" is the company, not a surname use
    assert companies == [("Fisker", 47), ("Fisker", 62)]


@pytest.mark.parametrize(
    ("sentence", "kind", "value", "currency", "qualifier"),
    [
        (
            "Stellantis will invest about 1.5 billion euros in Leapmotor.",
            "money",
            1.5e9,
            "EUR",
            "approximately",
        ),
        ("Toyota spent more than ¥50 billion on the stake.", "money", 5e10, "JPY", "more_than"),
        ("The plant cost up to $3.5bn to build.", "money", 3.5e9, "USD", "up_to"),
        ("BYD sold at least 3 million vehicles last year.", "count", 3e6, None, "at_least"),
        (
            "Norway's EV share of new car sales reached nearly 90% in Norway.",
            "percent",
            90.0,
            None,
            "approximately",
        ),
    ],
)
def test_figures_values_currencies_qualifiers(sentence, kind, value, currency, qualifier):
    rows = [f for f in facts(sentence)["figures"] if f["kind"] == kind]
    assert len(rows) == 1
    row = rows[0]
    assert (row["value"], row["currency"], row["qualifier"]) == (value, currency, qualifier)
    assert sentence[row["start"] : row["end"]] in sentence and row["evidence"] == sentence


def test_ev_market_share_is_bound_to_its_market_and_a_change_is_not_a_share():
    share = facts("Electric cars account for roughly 25% of new car sales in Germany.")["figures"][0]
    assert (share["is_ev_share"], share["market"], share["market_kind"]) == (True, "Germany", "market")
    cut = facts("Rivian said it would cut its workforce by 10% this year.")["figures"][0]
    assert cut["is_ev_share"] is False and cut["market"] == "Rivian"


@pytest.mark.parametrize(
    ("body", "value", "market"),
    [
        # the company a stake or an investment goes to outranks a possessive nearby
        (
            "Honda owns 8% of Isuzu, 3.5% of Suzuki and 6.1% of Mazda, alongside its 12% holding in Hino.",
            3.5,
            "Suzuki",
        ),
        (
            "Honda owns 8% of Isuzu, 3.5% of Suzuki and 6.1% of Mazda, alongside its 12% holding in Hino.",
            12,
            "Hino Motors",
        ),
        (
            "In 2020 Ford paid 61 billion yen for its Mazda shares, the company's filing showed.",
            61e9,
            "Mazda",
        ),
        # a pronoun or "the group" before the figure: the company of the sentence before
        (
            "Kia opened a plant in Texas. In March it said it would hire 2,100 workers across the state.",
            2100,
            "Kia",
        ),
        ("Renault met investors. The group wants to sell more than 25 new models in Europe.", 25, "Renault"),
        ("BMW reported results. Its shares fell 3.2% in Frankfurt, while Audi's rose 1.1%.", 3.2, "BMW"),
        # the subject of the clause, not a company named in an aside
        (
            "Volvo Cars, the Swedish carmaker controlled by Geely, reported revenue of $38 billion.",
            38e9,
            "Volvo Cars",
        ),
        (
            "Kia's US sales rose to 780,000 vehicles, while Hyundai, which sold 800,000 vehicles, gained share.",
            800000,
            "Hyundai",
        ),
        # "N% for X" in a list of rates is X's rate
        ("Duties range from 7.8% for Tesla to 17.0% for BYD and 35.3% for SAIC.", 17.0, "BYD"),
        # money invested goes to its recipient
        ("Toyota agreed to write Pony.ai a check for more than $400 million.", 400e6, "Pony.ai"),
    ],
)
def test_figures_bind_to_the_company_they_are_about(body, value, market):
    rows = [f for f in facts(body)["figures"] if f["value"] == value]
    assert rows and rows[0]["market"] == market, facts(body)["figures"]


def test_a_lower_case_place_word_opening_a_sentence_is_a_place():
    row = facts("Worldwide, more than 14 million electric cars were sold last year.")["figures"][0]
    assert (row["market"], row["market_kind"]) == ("World", "market")


def test_money_value_in_usd():
    row = facts("Volkswagen agreed to invest $5 billion in Rivian.")["figures"][0]
    assert row["value_usd"] == 5e9 and row["market"] == "Rivian"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Toyota and BYD formed a joint venture to build EVs in Shenzhen.",
            {("BYD", "Toyota", "joint_venture")},
        ),
        (
            "Hyundai signed a memorandum of understanding with General Motors.",
            {("General Motors", "Hyundai", "mou")},
        ),
        ("Ford will license battery technology from CATL.", {("CATL", "Ford", "technology_sharing")}),
        ("Panasonic will supply battery cells to Mazda from 2027.", {("Mazda", "Panasonic", "supply")}),
        ("Honda and Nissan ended their merger talks.", {("Honda", "Nissan", "cancellation")}),
        ("Volkswagen agreed to acquire a stake in Xpeng.", {("Volkswagen", "XPeng", "investment")}),
        ("Apple has no plans to partner with BYD.", set()),
        ("Tesla and BYD compete fiercely in China.", set()),
        # a coordinated group after its head is the object, not a pair of its own
        (
            "Stellantis has chosen Samsung SDI and CATL to supply battery cells for its vans.",
            {("CATL", "Stellantis", "supply"), ("Samsung SDI", "Stellantis", "supply")},
        ),
        # reported speech keeps the group as the subject
        (
            "Nissan said Honda and Mitsubishi Motors will supply parts to each other.",
            {("Honda", "Mitsubishi Motors", "supply")},
        ),
        # stakes stated as "holds N% of", "its N% holding in"; named kinds of venture "with" a partner
        (
            "Renault holds about 15% of Nissan, alongside its roughly 34% holding in Horse Powertrain.",
            {("Nissan", "Renault", "investment"), ("Horse Powertrain", "Renault", "investment")},
        ),
        (
            "BMW has long-standing manufacturing ventures with Brilliance Auto.",
            {("BMW", "Brilliance Auto", "joint_venture")},
        ),
        ("A collaborative venture between Kia and Ford could cut costs.", {("Ford", "Kia", "other")}),
        ("Kia has a second battery venture in the state with SK On.", {("Kia", "SK On", "joint_venture")}),
        # buying shares is an investment, however many words stand between
        ("Ford will buy up to $2 billion in Rivian shares next year.", {("Ford", "Rivian", "investment")}),
        # a group after "from"/"to" each deal with the subject, here a pronoun; they are not partners
        (
            "Volvo Cars sells cars. Its plans are set: it buys battery cells from CATL and LG Energy Solution.",
            {("CATL", "Volvo Cars", "supply"), ("LG Energy Solution", "Volvo Cars", "supply")},
        ),
        ("Kia and Ford began discussing a joint small car in May.", {("Ford", "Kia", "joint_development")}),
        # a wholly owned unit acts through its parent (Saft -> TotalEnergies)
        (
            "Stellantis and Saft founded a battery joint venture in 2020.",
            {("Stellantis", "TotalEnergies", "joint_venture")},
        ),
        # a venture named by apposition is the venture, not a partner: its parents are
        (
            "The loan goes to BlueOval SK, Ford's joint venture with SK On.",
            {("Ford", "SK On", "joint_venture")},
        ),
        (
            "The grant goes to StarPlus Energy, the battery joint venture between Stellantis and Samsung SDI.",
            {("Samsung SDI", "Stellantis", "joint_venture")},
        ),
        # "Its" opening a sentence is the subject of the sentence before, not the most-named company
        (
            "General Motors reported results, and GM raised its outlook. Honda is building its own battery "
            "supply. Its joint venture with LG Energy Solution is building a plant in Ohio.",
            {("Honda", "LG Energy Solution", "joint_venture")},
        ),
        # a trigger inside an aside about the last company ties it to the sentence's subject
        (
            "Ford works with SK On, its partner in a battery joint venture, and with Toyota, with which it "
            "is building a joint-venture plant in Texas.",
            {("Ford", "SK On", "joint_venture"), ("Ford", "Toyota", "joint_venture")},
        ),
    ],
)
def test_alliance_types_and_negations(text, expected):
    assert pairs(text) == expected


def test_alliance_status_hedges_and_dates():
    events = facts("Renault may consider a potential partnership with Geely.")["alliances"]
    assert [e["status"] for e in events] == ["exploring"]
    events = facts(
        "Last year, Ford and Volkswagen scaled back their alliance.", published="2024-03", precision="month"
    )
    assert [(e["type"], e["status"], e["when"]) for e in events["alliances"]] == [
        ("scale_back", "reduced", "2023")
    ]


def test_undated_article_leaves_relative_dates_unresolved():
    rows = facts("Next year, Kia will launch the EV.", published=None, precision=None)["timeline"]
    assert [(r["text"], r["normalized"]) for r in rows] == [("Next year", None)]


def test_a_venture_named_before_its_ownership_split_is_a_company():
    found = companies(
        "Kia Ford EV Systems, a 50:50 joint venture the two set up in 2023, hired 200 engineers."
    )
    assert "Kia Ford EV Systems" in found


def test_the_venture_is_the_venture_the_article_named():
    body = (
        "Kia Ford EV Systems, a 50:50 joint venture of Kia and Ford, opened in 2023. "
        "The venture employs more than 300 engineers, most of them in Texas."
    )
    row = next(f for f in facts(body)["figures"] if f["value"] == 300)
    assert (row["market"], row["market_kind"]) == ("Kia Ford EV Systems", "company")


@pytest.mark.parametrize(
    ("body", "value", "market"),
    [
        # "its" speaks of the clause's subject, not the last company named before it
        (
            "Kia Ford EV Systems, the battery company Kia set up with Ford, will cut 40% of its staff.",
            40,
            "Kia Ford EV Systems",
        ),
        # "the plant", "of the company", "in the venture": the venture the article named
        (
            "Kia Ford EV Systems, a 50:50 joint venture of Kia and Ford, opened in 2023. "
            "The plant was designed for up to 30 gigawatt-hours of cells a year.",
            30,
            "Kia Ford EV Systems",
        ),
        (
            "Kia Ford EV Systems, a 50:50 joint venture of Kia and Ford, opened in 2023. Kia now owns 60% of the company.",
            60,
            "Kia Ford EV Systems",
        ),
        # nothing named in or near the sentence: the market the story is about
        (
            "Sales in Germany rose in 2024 as Germany cut taxes.\n\nRegistrations of electric cars fell 5.9% to 380,000 vehicles.",
            380000,
            "Germany",
        ),
    ],
)
def test_figures_bind_to_the_venture_or_the_story_market(body, value, market):
    rows = [f for f in facts(body)["figures"] if f["value"] == value]
    assert rows and rows[0]["market"] == market, facts(body)["figures"]
