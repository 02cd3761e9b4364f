"""Score the pipeline against hand annotations (the seeds' gold file or any file in the same format).

Per field, micro-averaged over articles: companies, people, alliance pairs (unordered), pairs+type,
figures (kind + value + market/company) and dates (text found and normalized as annotated). Misses and
false alarms are returned as tables so a reader can see what the extractor gets wrong.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .knowledge import Knowledge, load_knowledge

FIELDS = ("companies", "people", "alliance_pairs", "alliance_pairs_types", "figures", "dates")


def norm_text(text: str) -> str:
    """Comparison form of a text (the gold file's convention): NFKC, straight quotes, single spaces; en and
    em dashes read as hyphens, as `text.normalize_text` writes them into clean bodies."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip()


def load_gold(path: str | Path) -> list[dict]:
    """The annotated articles of a gold file."""
    return json.loads(Path(path).read_text(encoding="utf-8"))["articles"]


def canonical_company(name: str, kb: Knowledge) -> str:
    """Map an annotator's company name onto the knowledge base's canonical name (aliases, brands)."""
    if name in kb.company_kind:
        return kb.top_company(name)
    for entry in kb.surface.get(name, []):
        if entry.kind == "company":
            return kb.top_company(kb.ambiguous_default.get(name, entry.canonicals[0]))
    return name


def canonical_market(name: str, kb: Knowledge) -> str:
    """A market or company name as the figures table writes it."""
    for entry in kb.surface.get(name, []):
        if entry.kind == "place":
            return entry.canonicals[0]
    return canonical_company(name, kb)


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(f, 3),
        "tp": tp,
        "pred": n_pred,
        "gold": n_gold,
    }


def _article_for(tables: dict[str, pd.DataFrame], file: str) -> str | None:
    arts = tables["articles"]
    hit = arts[arts["path"].str.endswith("/" + file) | (arts["path"] == file)]
    return None if hit.empty else hit.iloc[0]["article_id"]


def evaluate(tables: dict[str, pd.DataFrame], gold: Iterable[dict], kb: Knowledge | None = None) -> dict:
    """Compare extracted tables with gold annotations; returns {'scores': DataFrame, 'errors': DataFrame}."""
    kb = kb or load_knowledge()
    counts = {f: [0, 0, 0] for f in FIELDS}
    errors: list[dict] = []

    def tally(field: str, file: str, pred: set, gold_set: set) -> None:
        tp = pred & gold_set
        counts[field][0] += len(tp)
        counts[field][1] += len(pred)
        counts[field][2] += len(gold_set)
        for item in sorted(map(str, gold_set - pred)):
            errors.append({"file": file, "field": field, "error": "missed", "item": item})
        for item in sorted(map(str, pred - gold_set)):
            errors.append({"file": file, "field": field, "error": "false alarm", "item": item})

    for g in gold:
        aid = _article_for(tables, g["file"])
        if aid is None:  # the gold file annotates an article this corpus does not hold
            continue
        mentions = tables["mentions"][tables["mentions"]["article_id"] == aid]
        alliances = tables["alliances"][tables["alliances"]["article_id"] == aid]
        figures = tables["figures"][tables["figures"]["article_id"] == aid]
        timeline = tables["timeline"][tables["timeline"]["article_id"] == aid]
        file = g["file"]

        gold_companies = {canonical_company(c, kb) for c in g.get("companies", [])}
        tally(
            "companies", file, set(mentions.loc[mentions["kind"] == "company", "canonical"]), gold_companies
        )
        gold_people = {norm_text(p["name"]) for p in g.get("people", [])}
        tally("people", file, set(mentions.loc[mentions["kind"] == "person", "canonical"]), gold_people)

        pred_pairs = {
            " + ".join(sorted((a, b)))
            for a, b in zip(alliances["party_a"], alliances["party_b"], strict=True)
        }
        gold_pairs = {
            " + ".join(sorted(canonical_company(p, kb) for p in a["parties"][:2]))
            for a in g.get("alliances", [])
        }
        tally("alliance_pairs", file, pred_pairs, gold_pairs)
        pred_typed = {
            f"{' + '.join(sorted((a, b)))} : {t}"
            for a, b, t in zip(alliances["party_a"], alliances["party_b"], alliances["type"], strict=True)
        }
        gold_typed = {
            f"{' + '.join(sorted(canonical_company(p, kb) for p in a['parties'][:2]))} : {a['type']}"
            for a in g.get("alliances", [])
        }
        tally("alliance_pairs_types", file, pred_typed, gold_typed)

        _score_figures(file, figures, g.get("figures", []), kb, counts, errors)
        _score_dates(file, timeline, g.get("dates", []), counts, errors)

    scores = pd.DataFrame([{"field": f, **_prf(*counts[f])} for f in FIELDS])
    return {"scores": scores, "errors": pd.DataFrame(errors, columns=["file", "field", "error", "item"])}


def _score_figures(file: str, figures: pd.DataFrame, gold: list[dict], kb: Knowledge, counts, errors) -> None:
    """A figure matches when kind and value agree and its market/company is (one of) the annotated ones."""
    pred = [
        (r.kind, float(r.value), r.market if isinstance(r.market, str) else None)
        for r in figures.itertuples()
    ]
    unmatched = list(range(len(pred)))
    tp = 0
    for gf in gold:
        targets = {
            canonical_market(t.strip(), kb)
            for t in re.split(r"\s+and\s+|,\s*", gf.get("market_or_company") or "")
            if t.strip()
        }
        match = None
        for i in unmatched:
            kind, value, market = pred[i]
            if (
                kind == gf["kind"]
                and abs(value - float(gf["value"])) <= 1e-6 * max(1.0, abs(value))
                and (market in targets or not targets)
            ):
                match = i
                break
        label = f"{gf['kind']} {gf['value']} {gf.get('market_or_company')}"
        if match is None:
            errors.append({"file": file, "field": "figures", "error": "missed", "item": label})
        else:
            unmatched.remove(match)
            tp += 1
    for i in unmatched:
        errors.append(
            {"file": file, "field": "figures", "error": "false alarm", "item": " ".join(map(str, pred[i]))}
        )
    counts["figures"][0] += tp
    counts["figures"][1] += len(pred)
    counts["figures"][2] += len(gold)


def _score_dates(file: str, timeline: pd.DataFrame, gold: list[dict], counts, errors) -> None:
    """A gold date counts as correct when a timeline row covers its text and gives its normalization."""
    rows = [
        (norm_text(str(t)).lower(), n if isinstance(n, str) else None)
        for t, n in zip(timeline["text"], timeline["normalized"], strict=True)
    ]
    used = set()
    tp = 0
    for gd in gold:
        text = norm_text(gd["text"]).lower()
        found = None
        for i, (t, n) in enumerate(rows):
            if i not in used and (t in text or text in t) and n == gd["normalized"]:
                found = i
                break
        if found is None:
            near = [f"{t!r}->{n}" for t, n in rows if t in text or text in t]
            detail = f" (got {', '.join(near)})" if near else ""
            errors.append(
                {
                    "file": file,
                    "field": "dates",
                    "error": "missed",
                    "item": f"{gd['text']!r}->{gd['normalized']}{detail}",
                }
            )
        else:
            used.add(found)
            tp += 1
    for i, (t, n) in enumerate(rows):
        if i not in used:
            errors.append({"file": file, "field": "dates", "error": "false alarm", "item": f"{t!r}->{n}"})
    counts["dates"][0] += tp
    counts["dates"][1] += len(rows)
    counts["dates"][2] += len(gold)
