"""Self-contained HTML for the dated reports: notebook pages, a report's index.html and reports/index.html.

Every page works offline and requests nothing from any host: nbconvert's lab template is used with
its require.js / MathJax / mermaid / widget script blocks emptied and its 240 kB stylesheet replaced by
a small print- and phone-friendly one. Notebook outputs derive from untrusted article text, so before
export each ``text/html`` (and ``text/markdown``) output is sanitized with nh3, SVG is shown through
an ``<img>`` data URI (scripts inside cannot run), and ``application/javascript`` outputs are dropped.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from pathlib import Path
from typing import Any

from helpers.changes import DATE_DIR_RE, load_changes

CSS = """
:root { color-scheme: light; }
body { margin: 0 auto; max-width: 62rem; padding: 1rem 1.25rem 3rem;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1b1f24; background: #fff; }
h1, h2, h3 { line-height: 1.25; }
a { color: #0b57d0; }
img, svg, video { max-width: 100%; height: auto; }
table { border-collapse: collapse; display: block; overflow-x: auto; max-width: 100%; font-size: .9rem;
  margin: .5rem 0; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
pre { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; padding: .5rem .75rem;
  border-radius: 4px; font-size: .85rem; overflow-x: auto; }
mark { background: #fff3a3; }
a.anchor-link { display: none; }
.jp-Cell { margin: 0 0 .75rem; }
.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"] pre { background: #fff4f4; }
.ansi-red-fg { color: #b31d28; } .ansi-green-fg { color: #22863a; } .ansi-yellow-fg { color: #b08800; }
.ansi-blue-fg { color: #005cc5; } .ansi-cyan-fg { color: #1b7c83; } .ansi-bold { font-weight: bold; }
nav.evw-nav { font-size: .9rem; margin-bottom: 1rem; padding-bottom: .5rem;
  border-bottom: 1px solid #d0d7de; }
.evw-headline { color: #57606a; margin-top: -.25rem; }
.evw-changes li, .evw-reports li { margin: .2rem 0; }
.evw-meta { color: #57606a; font-size: .85rem; }
.evw-failed { color: #b31d28; }
@media (max-width: 600px) {
  body { padding: .5rem .75rem 2rem; font-size: 15px; }
  th, td { padding: .2rem .35rem; }
}
@media print {
  nav.evw-nav { display: none; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  a { color: inherit; }
  table, img, pre, figure { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
"""

_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{% block notebook_css %}<style>{{ resources.evw_css }}</style>{% endblock notebook_css %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block body_header -%}{{ super() }}
<nav class="evw-nav"><a href="index.html">Report {{ resources.evw_date | e }}</a>
 · <a href="../index.html">All reports</a></nav>
{%- endblock body_header -%}
"""

# ---------------------------------------------------------------- sanitizing untrusted output HTML

_TAGS = set(
    """a abbr b blockquote br caption cite code col colgroup dd del details div dl dt em figcaption figure
    h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s small span strong sub summary sup table tbody
    td tfoot th thead time tr u ul""".split()
)
_STYLE_PROPS = set(
    """color background-color font-weight font-style font-size text-align vertical-align text-decoration
    white-space padding padding-left padding-right margin border border-bottom border-top border-collapse
    width min-width max-width opacity""".split()
)
_STYLED = ("span", "mark", "td", "th", "tr", "div", "p", "table")
_ATTRS: dict[str, set[str]] = {
    "*": {"class", "title", "id"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "time": {"datetime"},
}
for _tag in _STYLED:
    _ATTRS.setdefault(_tag, set()).add("style")

_STYLE_BLOCK_RE = re.compile(r"<style[^>]*>(.*?)</style\s*>", re.I | re.S)
# CSS that can fetch (url(), @import), run (expression) or hide such things behind escapes or markup.
_UNSAFE_CSS_RE = re.compile(r"url\s*\(|@import|expression|\\|<|image-set|javascript:", re.I)


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        return value if value.lower().startswith("data:image/") else None
    if tag == "a" and attr == "href":
        low = value.strip().lower()
        return None if low.startswith(("data:", "javascript:", "vbscript:")) else value
    return value


def sanitize_html_fragment(fragment: str) -> str:
    """Untrusted HTML -> tables, basic formatting, data:-URI images, safe inline styles; no scripts."""
    import nh3

    # Keep <style> blocks (pandas Styler) only when they cannot fetch or escape; nh3 drops them otherwise.
    styles = [s for s in _STYLE_BLOCK_RE.findall(fragment) if not _UNSAFE_CSS_RE.search(s)]
    cleaned = nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRS,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto", "data"},
        filter_style_properties=_STYLE_PROPS,
        clean_content_tags={"script", "style", "noscript", "iframe", "object", "embed", "template", "svg"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return "".join(f"<style>{s}</style>" for s in styles) + cleaned


def sanitize_notebook(nb: Any) -> Any:
    """Sanitize a notebook's outputs in place for static export (see module docstring); returns nb."""
    from nbconvert.filters import markdown2html

    nb.metadata.pop("widgets", None)
    keep = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                data = out.get("data")
                if data is not None:
                    if any("javascript" in m or m.startswith("application/vnd.jupyter.widget") for m in data):
                        continue  # scripts and widgets are dropped; their text/plain is only a repr
                    if "text/html" in data:
                        data["text/html"] = sanitize_html_fragment(_text(data["text/html"]))
                    elif "text/markdown" in data:
                        data["text/html"] = sanitize_html_fragment(
                            markdown2html(_text(data["text/markdown"]))
                        )
                    data.pop("text/markdown", None)
                    if "image/svg+xml" in data:
                        svg = base64.b64encode(_text(data.pop("image/svg+xml")).encode()).decode()
                        data.setdefault(
                            "text/html", f'<img alt="figure" src="data:image/svg+xml;base64,{svg}">'
                        )
                    if not data:
                        continue
                outputs.append(out)
            cell.outputs = outputs
            if not outputs:
                continue  # code is hidden anyway; an empty cell only adds markup
        keep.append(cell)
    nb.cells = keep
    return nb


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


_SCRIPT_RE = re.compile(r"<script\b.*?</script\s*>", re.I | re.S)
_NETWORK_RE = re.compile(
    r"<(script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?\b(?:src|href|data)\s*=\s*[\"']?\s*((?:https?:)?//[^\"'\s>]*)",
    re.I,
)


def network_references(page: str) -> list[str]:
    """URLs a browser would fetch by itself: script/link/img/... src or href, CSS url() and @import."""
    refs = [m.group(2) for m in _NETWORK_RE.finditer(page)]
    refs += re.findall(r"url\(\s*[\"']?((?:https?:)?//[^)\"']*)", page, re.I)
    refs += re.findall(r"@import\s+[\"']?((?:https?:)?//[^\"';]*)", page, re.I)
    return refs


def notebook_title(nb: Any, default: str) -> str:
    """The notebook's first markdown heading (plain text), else ``default``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", _text(cell.source), re.M)
            if m:
                return _plain(m.group(1))
    return default


def notebook_headline(nb: Any) -> str:
    """One line: metadata ``evwatch.headline``, else the output of a cell tagged ``headline``,
    else the first prose line of the first markdown cell."""
    meta = nb.metadata.get("evwatch", {})
    if isinstance(meta, dict) and meta.get("headline"):
        return _plain(str(meta["headline"]))[:300]
    for cell in nb.cells:
        if cell.cell_type == "code" and "headline" in cell.get("metadata", {}).get("tags", []):
            for out in cell.get("outputs", []):
                text = out.get("text") or (out.get("data") or {}).get("text/plain")
                if text:
                    line = next((x for x in _text(text).splitlines() if x.strip()), "")
                    return _plain(line.strip().strip("'\""))[:300]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in _text(cell.source).splitlines():
                if line.strip() and not line.lstrip().startswith(("#", "|", "```", "<", "!")):
                    return _plain(line.strip())[:300]
            break
    return ""


def _plain(md: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", md)
    return re.sub(r"[*_`]+", "", text).strip()


def export_notebook_html(nb_path: Path, html_path: Path, *, title: str, report_date: str) -> None:
    """Executed notebook -> self-contained HTML without code, prompts, scripts or network requests."""
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    nb = sanitize_notebook(nbformat.read(nb_path, as_version=4))
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="lab",
        template_file="evwatch-report.html.j2",
        extra_loaders=[jinja2.DictLoader({"evwatch-report.html.j2": _TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        mathjax_url="",
        require_js_url="",
        mermaid_js_url="",
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"evw_css": CSS, "evw_date": report_date, "metadata": {"path": str(nb_path.parent)}}
    )
    body = _SCRIPT_RE.sub("", body)  # the template has no scripts; nothing else may carry one
    html_path.write_text(body, encoding="utf-8")


# ---------------------------------------------------------------- index pages

e = html.escape


def _page(title: str, nav: str, main: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<nav class="evw-nav">{nav}</nav>\n<main>\n{main}\n</main>\n</body>\n</html>\n'
    )


def _fmt_key(item: dict[str, Any]) -> str:
    if "party_a" in item:
        return f"{item['party_a']} – {item['party_b']}: {item['type']}, {item['status'] or '?'}" + (
            f", {item['when']}" if item.get("when") else ""
        )
    q = item.get("qualifier")
    qual = "" if q in (None, "exact") else f"{q} "
    return f"{item['kind']} {item['market'] or '?'}: {qual}{item['value']}" + (
        f" ({item['period']})" if item.get("period") else ""
    )


def changes_html(changes: dict[str, Any] | None, *, detail: bool = True) -> str:
    if not changes:
        return '<p class="evw-meta">No change summary.</p>'
    parts = [f"<p>{e(changes.get('summary', ''))}</p>"]
    if changes.get("lifecycles"):
        parts.append(
            '<ul class="evw-changes">'
            + "".join(f"<li>{e(line)}</li>" for line in changes["lifecycles"])
            + "</ul>"
        )
    if detail and changes.get("previous"):
        items = []
        for table in ("alliances", "figures"):
            d = changes.get(table) or {}
            for label, sign in (("new", "+"), ("vanished", "−")):
                items += [f"<li>{sign} {table[:-1]}: {e(_fmt_key(it))}</li>" for it in d.get(label, [])]
            items += [
                f"<li>~ {table[:-1]}: {e(_fmt_key(c['before']))} → {e(_fmt_key(c['after']))}</li>"
                for c in d.get("changed", [])
            ]
        if items:
            parts.append('<ul class="evw-changes">' + "".join(items) + "</ul>")
    return "\n".join(parts)


def _notebook_list(manifest: dict[str, Any], prefix: str = "") -> str:
    rows = []
    for nbinfo in manifest.get("notebooks", []):
        link = f'<a href="{e(prefix + nbinfo["html"])}">{e(nbinfo.get("title") or nbinfo["name"])}</a>'
        head = f" — {e(nbinfo['headline'])}" if nbinfo.get("headline") else ""
        rows.append(f"<li>{link}{head}</li>")
    return "<ul>" + "".join(rows) + "</ul>"


def report_index_html(manifest: dict[str, Any], changes: dict[str, Any] | None) -> str:
    date = manifest["parameters"]["date"]
    main = (
        f"<h1>EV alliance watch — {e(date)}</h1>\n"
        f'<p class="evw-headline">{e(manifest.get("headline", ""))}</p>\n'
        f"<h2>What changed</h2>\n{changes_html(changes)}\n"
        f"<h2>Notebooks</h2>\n{_notebook_list(manifest)}\n"
        f'<p class="evw-meta">Parameters and versions: <a href="manifest.json">manifest.json</a>'
        f' · <a href="changes.json">changes.json</a></p>'
    )
    return _page(f"EV alliance watch — {date}", '<a href="../index.html">All reports</a>', main)


def load_manifest(report_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((report_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def top_index_html(out: Path) -> str:
    dates = sorted(
        (p.name for p in out.iterdir() if p.is_dir() and DATE_DIR_RE.fullmatch(p.name)), reverse=True
    )
    blocks = []
    for date in dates:
        manifest = load_manifest(out / date)
        if manifest is None:
            blocks.append(
                f'<section><h2><a href="{date}/index.html">{date}</a></h2><p>(no manifest)</p></section>'
            )
            continue
        blocks.append(
            f'<section><h2><a href="{date}/index.html">{date}</a></h2>\n'
            f'<p class="evw-headline">{e(manifest.get("headline", ""))}</p>\n'
            f"{changes_html(load_changes(out / date), detail=False)}\n"
            f"{_notebook_list(manifest, prefix=date + '/')}</section>"
        )
    main = "<h1>EV alliance watch — reports</h1>\n" + ("\n".join(blocks) or "<p>No reports yet.</p>")
    return _page("EV alliance watch — reports", "Newest first", main)


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temp file in the same folder, fsync, then rename over ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_top_index(out: Path) -> Path:
    target = out / "index.html"
    atomic_write_text(target, top_index_html(out))
    return target
