"""Scale: the synthetic generator, the streaming engine and the Dask engine give the same tables.

One small synthetic corpus (~200 articles plus a few awkward inputs) is processed by `run_pipeline`
(in memory), by `extract_streaming` locally (small chunks) and on a real 2-worker LocalCluster (started
once for the module); the sorted tables must be equal. No timing assertions here: see `evwatch bench`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import helpers
from helpers import tables
from helpers.bench import load_synthetic, run_bench
from helpers.clean import repeated_lines
from helpers.corpus import Article, load_corpus, walk_inputs
from helpers.corpus_scan import (
    LoadOptions,
    RepeatedHashes,
    RepeatedLineScan,
    line_hash,
    repeated_for,
    scan_inputs,
)
from helpers.dedup import find_duplicates
from helpers.dedup_index import DedupIndex, dedup_keys
from helpers.pipeline import run_pipeline
from helpers.scale import (
    OUTPUT_TABLES,
    extract_streaming,
    process_unit,
    read_partitioned,
    read_tables,
)

N_ARTICLES = 200


@pytest.fixture(scope="module")
def synthetic():
    return load_synthetic()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, synthetic):
    """200 synthetic articles (one shard folder with its metadata.csv) plus a few awkward inputs."""
    root = tmp_path_factory.mktemp("corpus")
    synthetic.write_corpus(root / "synthetic", N_ARTICLES, seed=7)
    extra = root / "extra"
    extra.mkdir()
    first = sorted((root / "synthetic").rglob("*.txt"))[0]
    shutil.copy(first, extra / "byte-identical-copy.txt")  # same bytes, other name: a renamed id, exact dup
    (extra / "empty.txt").write_text("  \n", encoding="utf-8")  # quarantined: empty
    (extra / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))  # quarantined: unsupported type
    # one export holding more articles than a chunk (37 in these tests): its records span work units,
    # with a bad line in the middle and a record that repeats a text file's article byte for byte
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "synthetic").rglob("*.txt"))[-45:]]
    lines = [json.dumps({"text": t, "source": "Wire Export", "published": "2024-03-01"}) for t in texts]
    lines.insert(20, "{not json")
    (extra / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [root / "synthetic", extra]


@pytest.fixture(scope="module")
def reference(corpus):
    return run_pipeline(corpus, progress=False)


@pytest.fixture(scope="module")
def local_out(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    counts = extract_streaming(corpus, out, engine="local", chunk_size=37)
    return out, counts


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster


def _assert_same_tables(expected: dict[str, pd.DataFrame], actual: dict[str, pd.DataFrame]) -> None:
    for name in OUTPUT_TABLES:
        pd.testing.assert_frame_equal(expected[name], actual[name], obj=name)


# --- the generator ---------------------------------------------------------------------------------


def test_generator_is_deterministic_and_prefix_stable(synthetic, tmp_path):
    a = [(x.name, x.text, x.meta) for x in synthetic.iter_articles(30, seed=3)]
    b = [(x.name, x.text, x.meta) for x in synthetic.iter_articles(30, seed=3)]
    assert a == b
    assert a[:20] == [(x.name, x.text, x.meta) for x in synthetic.iter_articles(20, seed=3)]
    assert a != [(x.name, x.text, x.meta) for x in synthetic.iter_articles(30, seed=4)]
    synthetic.write_corpus(tmp_path / "one", 25, seed=3)
    synthetic.write_corpus(tmp_path / "two", 25, seed=3)
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert files == sorted(
        p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file()
    )
    for rel in files:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes()


def test_generator_articles_are_varied_and_sized(synthetic):
    arts = list(synthetic.iter_articles(N_ARTICLES, seed=7))
    sizes = [len(a.text.encode("utf-8")) for a in arts]
    assert 1500 <= min(sizes) and max(sizes) <= 6500 and 2000 <= np.mean(sizes) <= 5000
    text = "\n".join(a.text for a in arts)
    for needle in (
        "memorandum of understanding", "joint venture", "will supply", "platform", "license", "merger",
        "acquire", "called off", "reduce its stake", "%", "€", "yen", "won", "fiscal year", "Read also:",
        "Share", "min read", "is a senior reporter", "last year", "reportedly",
    ):  # fmt: skip
        assert needle in text, needle
    copies = [a for a in arts if a.copy_of is not None]
    assert 0.02 * N_ARTICLES <= len(copies) <= 0.2 * N_ARTICLES
    assert all(a.meta["source"] for a in arts)


def test_synthetic_corpus_exercises_cleaning_and_dedup(reference):
    reasons = set(reference["removed_lines"]["reason"])
    assert {"related_links", "share_widget", "repeated_in_source", "reading_time", "author_bio"} <= reasons
    assert {"exact", "near"} <= set(reference["duplicates"]["kind"])
    assert len(set(reference["alliances"]["type"])) >= 10
    assert set(reference["quarantine"]["reason"]) == {"empty", "unsupported_type", "malformed_json"}


# --- corpus-level steps in bounded memory ----------------------------------------------------------


def test_repeated_line_scan_equals_repeated_lines(corpus, tmp_path):
    articles = [a for a in load_corpus(corpus) if isinstance(a, Article)]
    scan = RepeatedLineScan(tmp_path / "scan", n_buckets=4)
    for art in articles:
        scan.add(art)
    scan.finish()
    expected = repeated_lines(articles)
    assert expected  # the corpus has per-source boilerplate
    assert scan.lines_for(articles) == expected


def test_line_hashes_are_the_same_in_every_process():
    """Workers on other machines hash lines for the driver: Python's salted hash() would not do."""
    lines = [("nikkei asia", "Read also: Honda and Nissan"), ("", "x"), ("s", "caf\u00e9 \ud800")]
    code = "import json, sys; from helpers.corpus_scan import line_hash; "
    code += "print(json.dumps([line_hash(s, l) for s, l in json.loads(sys.stdin.read())]))"
    other = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(lines), capture_output=True, text=True, check=True
    )
    assert json.loads(other.stdout) == [line_hash(s, line) for s, line in lines]
    assert len({line_hash(s, line) for s, line in lines}) == 3


def test_repeated_hashes_answer_like_the_lines_of_repeated_for(corpus, tmp_path):
    articles = [a for a in load_corpus(corpus) if isinstance(a, Article)]
    scan = RepeatedLineScan(tmp_path / "scan", n_buckets=8)
    for art in articles:
        scan.add(art)
    final = scan.finish()
    listed = repeated_for(articles, final)
    lookup = RepeatedHashes(final)
    asked = 0
    for art in articles:
        source = (art.meta.get("source") or "").strip().lower()
        lines = listed.get(source, set())
        for line in {*lines, *art.raw.split("\n"), "x" * 301, ""}:
            asked += 1
            assert (line in lines) == (lookup.get(source) is not None and line in lookup.get(source))
    assert asked > 1000 and not RepeatedHashes(set()) and RepeatedHashes(set()).get("a") is None


def test_an_input_changed_between_the_passes_is_quarantined_and_the_run_goes_on(tmp_path, synthetic):
    corpus = tmp_path / "corpus"
    synthetic.write_corpus(corpus, 3, seed=4)
    options = LoadOptions(10**6, {"text": ("text",)}, None)
    entries = [e for e in walk_inputs([corpus]) if not isinstance(e, helpers.corpus.Quarantined)]
    (entry, (rec,)), *_ = scan_inputs(entries, options)
    ids = [(rec.article_id, "id-it-keeps")]
    parts, keys, changed = process_unit([(entry, 0, 1)], ids, frozenset(), options)  # unchanged
    assert changed == [] and keys["id"].tolist() == [b"id-it-keeps"] and parts["articles"][0] == 1
    path = Path(entry[0].real)
    path.write_text(path.read_text(encoding="utf-8") + "\nA late correction.\n", encoding="utf-8")
    parts, keys, changed = process_unit([(entry, 0, 2)], ids + ids, frozenset(), options)
    assert [c["reason"] for c in changed] == ["changed_during_run"] * 2  # other content; then gone
    assert "other content" in changed[0]["detail"] and "is gone" in changed[1]["detail"]
    assert "articles" not in parts and len(keys["id"]) == 0


def test_a_file_rewritten_between_the_passes_is_accounted_for(tmp_path, synthetic, monkeypatch):
    corpus = tmp_path / "corpus"
    synthetic.write_corpus(corpus, 6, seed=5)
    victim = sorted(corpus.rglob("*.txt"))[2]
    finish = RepeatedLineScan.finish

    def finish_then_rewrite(self):  # runs between pass 1 and pass 2
        victim.write_text("Honda and Nissan signed a memorandum of understanding.\n", encoding="utf-8")
        return finish(self)

    monkeypatch.setattr(RepeatedLineScan, "finish", finish_then_rewrite)
    counts = extract_streaming([corpus], tmp_path / "out", chunk_size=4, lifecycles=False)
    got = read_tables(tmp_path / "out")
    assert counts["articles"] == 5 and counts["quarantine"] == 1
    (row,) = got["quarantine"].to_dict("records")
    assert row["reason"] == "changed_during_run" and row["path"].endswith(victim.name)


def _bodies_frame(bodies: list[tuple[str, str | None, str]]) -> pd.DataFrame:
    return pd.DataFrame(bodies, columns=["article_id", "published", "body"])


def test_dedup_index_equals_find_duplicates(tmp_path):
    base = " ".join(f"word{i} alpha beta gamma" for i in range(120))
    near = base.replace("word3 ", "other3 ", 1)
    nearer = near.replace("word7 ", "other7 ", 1)
    rows = [
        ("a1", "2024-01-02", base),
        ("a2", "2024-01-01", base.upper()),  # exact copy (case): earlier date wins
        ("a3", "2024-02-01", near),  # near copy of a2's cluster
        ("a4", None, nearer),  # undated: walks last
        ("a5", "2024-01-01", "a short unrelated note about batteries"),
        ("a6", "2024-01-01", ""),
        ("a7", "2024-01-01", ""),  # two empty bodies: exact duplicates
        ("a8", "2023", " ".join(f"token{i} delta" for i in range(200))),
        ("a0", "2024-01-01", base),  # same date and length as a2: the smaller id is canonical
    ]
    df = _bodies_frame(rows)
    expected = find_duplicates(df)
    index = DedupIndex(tmp_path / "dedup")
    index.add(dedup_keys(df.iloc[:4].to_dict("records")))
    index.add(dedup_keys(df.iloc[4:].to_dict("records")))
    got = index.find_duplicates()
    assert len(expected) >= 4
    pd.testing.assert_frame_equal(expected, got)
    ranges = [(0, 8), (8, 16)]  # band keys read block by block are the same whatever the block size
    np.testing.assert_array_equal(index._band_keys(ranges, block=2), index._band_keys(ranges))


# --- the engines -------------------------------------------------------------------------------------


def test_streaming_equals_run_pipeline(reference, local_out):
    out, counts = local_out
    got = read_tables(out)
    _assert_same_tables(reference, got)
    assert counts == {name: len(reference[name]) for name in OUTPUT_TABLES}
    assert len(list((out / "articles").glob("part-*.parquet"))) == -(-counts["articles"] // 37)
    assert (out / "_manifest.json").exists()


def test_dask_engine_equals_local_engine(corpus, local_out, cluster, tmp_path):
    out, counts = local_out
    dask_counts = extract_streaming(
        corpus, tmp_path / "dask", engine="dask", chunk_size=37, scheduler=cluster.scheduler_address
    )
    assert dask_counts == counts
    _assert_same_tables(read_tables(out), read_tables(tmp_path / "dask"))


def test_rerun_replaces_output_and_reads_empty_tables(tmp_path, synthetic):
    corpus = tmp_path / "corpus"
    synthetic.write_corpus(corpus, 12, seed=1)
    out = tmp_path / "out"
    extract_streaming([corpus], out, chunk_size=5)
    assert len(read_partitioned(out, "articles")) == 12
    empty = tmp_path / "empty"
    empty.mkdir()
    counts = extract_streaming([empty], out, chunk_size=5)  # an empty corpus replaces the earlier run
    assert counts["articles"] == 0
    for name in OUTPUT_TABLES:
        df = read_partitioned(out, name)
        assert df.empty and list(df.columns)[: len(tables.COLUMNS[name])] == tables.COLUMNS[name]
    assert not list(out.glob(".evwatch-staging-*"))


def test_bench_records_and_prints_one_summary_line(tmp_path, capsys):
    args = argparse.Namespace(
        articles=12,
        engine="local",
        workers=1,
        scheduler=None,
        baseline=False,
        corpus_dir=tmp_path / "corpus",
        results_dir=tmp_path / "results",
        readme=tmp_path / "README.md",
    )
    assert run_bench(args) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("throughput_mb_s=")
    keys = [item.split("=")[0] for item in lines[-1].split()]
    assert keys == ["throughput_mb_s", "per_core_mb_s", "baseline_ratio", "peak_rss_mb"]
    assert "baseline_ratio=nan" in lines[-1]
    assert (tmp_path / "results" / "bench-local-n12.json").exists()
    assert "`local-n12`" in (tmp_path / "README.md").read_text(encoding="utf-8")


def test_load_tables_reads_either_layout_and_a_rerun_retires_the_other(tmp_path, synthetic):
    corpus = tmp_path / "corpus"
    synthetic.write_corpus(corpus, 12, seed=1)
    out = tmp_path / "out"
    expected = run_pipeline([corpus], progress=False)
    tables.write_tables(expected, out)  # the in-memory engine's single files
    extract_streaming([corpus], out, chunk_size=5)  # streaming into the same folder replaces them
    assert not list(out.glob("*.parquet")) and (out / "_manifest.json").exists()
    got = tables.load_tables(out)
    _assert_same_tables(expected, got)
    tables.write_tables(expected, out)  # and back: the partitioned folders and manifest go
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.parquet" for name in expected)
    _assert_same_tables(expected, tables.load_tables(out))


def test_a_folder_of_parts_without_manifest_is_refused(local_out, tmp_path):
    out, _ = local_out
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    (broken / "_manifest.json").unlink()
    with pytest.raises(tables.IncompleteOutput):
        tables.load_tables(broken)
    with pytest.raises(tables.IncompleteOutput):
        read_tables(broken)
    with pytest.raises(tables.IncompleteOutput):  # the notebooks' entry point says the same
        helpers.load_tables(broken)


def test_the_notebooks_load_tables_reads_streaming_output_and_reports(local_out, tmp_path):
    out, _ = local_out
    loaded = helpers.load_tables(out)
    assert loaded.folder == out
    _assert_same_tables(tables.load_tables(out), dict(loaded))
    report = tmp_path / "reports" / "2026-01-05"
    shutil.copytree(out, report / "data")  # a dated report of a streamed corpus
    assert len(helpers.load_tables(report)["articles"]) == len(loaded["articles"])


def test_a_synthetic_corpus_folder_holds_exactly_one_generation(synthetic, tmp_path):
    """Re-generating into the same folder (another size, or names drawn from edited reference tables) leaves
    no article of the earlier generation behind; a folder of someone's own articles is refused, not emptied."""
    corpus = tmp_path / "corpus"
    synthetic.write_corpus(corpus, 12, seed=1)
    (corpus / "shard-0000" / "0000099_from-an-earlier-generation.txt").write_text("old", encoding="utf-8")
    synthetic.write_corpus(corpus, 5, seed=1)
    assert len(list(corpus.rglob("*.txt"))) == 5
    assert len([r for r in load_corpus([corpus]) if isinstance(r, Article)]) == 5  # the marker is no article
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "story.txt").write_text("my article", encoding="utf-8")
    with pytest.raises(ValueError, match="not a synthetic corpus"):
        synthetic.write_corpus(mine, 3)
    assert (mine / "story.txt").exists()


def test_the_bench_corpus_is_made_again_when_its_generator_or_reference_tables_change(tmp_path):
    from helpers.bench import ensure_corpus

    folder, counts = ensure_corpus(4, seed=2, folder=tmp_path / "c")
    marker = folder / ".complete.json"
    recorded = json.loads(marker.read_text(encoding="utf-8"))
    assert counts == {"articles": 4, "bytes": recorded["bytes"]} and recorded["fingerprint"]
    marker.write_text(json.dumps({**recorded, "fingerprint": "edited-since"}), encoding="utf-8")
    (folder / "shard-0000" / "0000099_stale.txt").write_text("stale", encoding="utf-8")
    ensure_corpus(4, seed=2, folder=folder)
    assert json.loads(marker.read_text(encoding="utf-8"))["fingerprint"] == recorded["fingerprint"]
    assert len(list(folder.rglob("*.txt"))) == 4


def test_a_benchmark_child_reports_its_own_peak_memory_not_its_parents():
    """ru_maxrss survives exec: a child of a large parent would report the parent's size as its own peak."""
    code = "from helpers.rss import peak_rss_mb; print(peak_rss_mb())"
    ballast = bytearray(200 * 1024 * 1024)
    ballast[::4096] = b"\1" * len(ballast[::4096])  # touch every page: 200 MB resident in this process
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert float(out) < 150, out
