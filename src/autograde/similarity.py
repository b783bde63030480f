"""Copied work: the pairs of submissions whose code is suspiciously alike, for the instructor.

Each notebook's code cells are written to a ``.py`` file and compared by ``copydetect``
(winnowing over tokenized code, so renamed variables and reordered cells do not hide a
copy).  The released notebook's own code (the exercise's ``student.ipynb``: imports, setup,
public tests) is boilerplate: its lines are dropped from each submission and its
fingerprints subtracted, so only what students wrote counts.  Writes ``similarity.csv``
(every pair, ranked) and ``similarity.html`` (the ranked table and, for the top pairs, both
codes with the shared parts highlighted) into a folder meant for the instructor only:
nothing here goes into students' feedback.

A pair's score is the larger of the two shares of own code found in the other submission
(``copydetect``'s similarity of each file), so copying a part of a longer answer still ranks.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import json
import tempfile
from pathlib import Path

NOISE_T = 25  # copydetect's defaults: shortest match considered (in filtered characters)
GUARANTEE_T = 30
TABLE_ROWS = 200  # pairs listed in the HTML (the CSV has every pair)


class SimilarityError(ValueError):
    """Submissions or boilerplate that cannot be read (the message names the file)."""


@dataclasses.dataclass
class Pair:
    """Two submissions and how much of each one's own code the other contains."""

    a: str
    b: str
    share_a: float
    share_b: float
    tokens: int
    html_a: str = ""
    html_b: str = ""

    @property
    def score(self) -> float:
        return max(self.share_a, self.share_b)


def notebook_code(path: Path) -> str:
    """The code cells of notebook ``path`` as one Python text (magics and shell commented)."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as e:
        raise SimilarityError(f"{path} is not a readable notebook ({type(e).__name__})") from None
    parts = []
    for c in cells:
        if not isinstance(c, dict) or c.get("cell_type") != "code":
            continue
        src = c.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        lines = ["# " + ln if ln.lstrip()[:1] in ("%", "!") else ln for ln in src.splitlines()]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def own_code(code: str, released: set[str]) -> str:
    """``code`` without the lines that appear (stripped) in the released notebook.

    copydetect subtracts the boilerplate's fingerprints, but a fingerprint that straddles a
    released line and the student's next line is new; dropping the released lines first
    leaves only what the student wrote, so two answers do not match through the scaffold.
    """
    kept = [ln for ln in code.splitlines() if ln.strip() and ln.strip() not in released]
    return "\n".join(kept) + "\n"


def find_notebooks(folder: Path) -> dict[str, Path]:
    """``student -> notebook``: ``name.ipynb`` files and the first ``name/*.ipynb``."""
    subs = {}
    for p in sorted(Path(folder).iterdir()):
        if p.is_file() and p.suffix == ".ipynb":
            subs[p.stem] = p
        elif p.is_dir() and not p.name.startswith("."):
            nbs = sorted(q for q in p.glob("*.ipynb") if q.is_file())
            if nbs:
                subs.setdefault(p.name, nbs[0])
    return subs


def run_notebooks(records: list[dict], folder: Path) -> dict[str, Path]:
    """``student -> notebook``: the file the grader chose (a record's ``file``), else found.

    ``file`` may be absolute or relative to ``folder``; a record without one, or whose file
    is gone, falls back to :func:`find_notebooks`'s rule.
    """
    found = find_notebooks(folder)
    chosen = {}
    for r in records:
        f = r.get("file")
        path = None if not f else (Path(f) if Path(f).is_absolute() else Path(folder) / f)
        if path is not None and path.is_file():
            chosen[r["student"]] = path
        elif r["student"] in found:
            chosen[r["student"]] = found[r["student"]]
    return chosen or found


def compare_notebooks(
    notebooks: dict[str, Path], boilerplate: list[Path], *, top: int = 10
) -> tuple[list[Pair], dict[str, int]]:
    """Compare every pair of ``notebooks``; return the ranked pairs and each one's own tokens.

    Parameters
    ----------
    notebooks : dict
        ``student -> notebook path``.
    boilerplate : list of Path
        Notebooks whose code is subtracted (the released ``student.ipynb``).
    top : int
        How many of the highest-ranked pairs get highlighted code (for the HTML).

    Returns
    -------
    pairs : list of Pair
        Every pair, highest score first (ties: more shared tokens first, then by names).
    own : dict
        ``student -> number of filtered code tokens left after subtracting boilerplate``.
    """
    from copydetect import CodeFingerprint, compare_files
    from copydetect.utils import highlight_overlap

    released = {ln.strip() for nb in boilerplate for ln in notebook_code(nb).splitlines()}
    with tempfile.TemporaryDirectory(prefix="autograde-sim-") as tmp:
        bp_hashes = _boilerplate_hashes(boilerplate, Path(tmp))
        prints = {}
        for k, (student, nb) in enumerate(sorted(notebooks.items())):
            f = Path(tmp) / f"s{k}.py"
            f.write_text(own_code(notebook_code(nb), released), encoding="utf-8")
            prints[student] = CodeFingerprint(str(f), NOISE_T, GUARANTEE_T - NOISE_T + 1, bp_hashes)
    names = sorted(prints)
    own = {s: int(prints[s].token_coverage) for s in names}
    sharing = _pairs_sharing_a_fingerprint(prints)
    pairs, slices = [], {}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if (a, b) not in sharing:  # nothing in common: copydetect would say 0
                pairs.append(Pair(a, b, 0.0, 0.0, 0))
                continue
            tokens, (sa, sb), sl = compare_files(prints[a], prints[b])
            pairs.append(Pair(a, b, float(sa), float(sb), int(tokens)))
            slices[(a, b)] = sl
    pairs.sort(key=lambda p: (-p.score, -p.tokens, p.a, p.b))
    for p in pairs[:top]:
        if p.tokens:
            s1, s2 = slices[(p.a, p.b)]
            p.html_a = highlight_overlap(
                prints[p.a].raw_code, s1, "<mark>", "</mark>", escape_html=True
            )[0]
            p.html_b = highlight_overlap(
                prints[p.b].raw_code, s2, "<mark>", "</mark>", escape_html=True
            )[0]
    return pairs, own


def _pairs_sharing_a_fingerprint(prints: dict) -> set[tuple[str, str]]:
    """The pairs (sorted names) with at least one fingerprint in common (an inverted index)."""
    holders: dict[int, list[str]] = {}
    for name in sorted(prints):
        for h in prints[name].hashes:
            holders.setdefault(int(h), []).append(name)
    return {
        (a, b) for names in holders.values() for i, a in enumerate(names) for b in names[i + 1 :]
    }


def _boilerplate_hashes(boilerplate: list[Path], tmp: Path):
    import numpy as np
    from copydetect import CodeFingerprint

    hashes = []
    for k, nb in enumerate(boilerplate):
        f = tmp / f"boilerplate{k}.py"
        f.write_text(notebook_code(nb), encoding="utf-8")
        hashes.extend(CodeFingerprint(str(f), NOISE_T, 1).hashes)
    return np.unique(np.array(hashes, dtype=np.int64))


def write_similarity_report(
    submissions: Path,
    dest: Path,
    boilerplate: list[Path],
    *,
    top: int = 10,
    flag: float = 0.5,
    records: list[dict] | None = None,
) -> tuple[Path, Path, list[Pair]]:
    """Compare the notebooks in ``submissions``; write ``dest/similarity.{csv,html}``.

    Parameters
    ----------
    submissions : Path
        The folder of submitted notebooks (the one that was graded).
    dest : Path
        The instructor's folder to write into (created).
    boilerplate : list of Path
        Released notebooks whose code does not count (usually the exercise's student.ipynb).
    top : int
        Pairs shown with highlighted code in the HTML.
    flag : float
        Pairs scoring at least this are marked "look at this" in both files.
    records : list of dict, optional
        The run's records (:func:`autograde.runout.load_results`): compare the notebook the
        grader graded for each student (see :func:`run_notebooks`).
    """
    subs = run_notebooks(records, submissions) if records else find_notebooks(submissions)
    if len(subs) < 2:
        raise SimilarityError(f"{submissions} holds {len(subs)} notebook(s): nothing to compare")
    pairs, own = compare_notebooks(subs, boilerplate, top=top)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = dest / "similarity.csv", dest / "similarity.html"
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["rank", "student_a", "student_b", "score", "share_a", "share_b"]
                   + ["shared_tokens", "own_tokens_a", "own_tokens_b", "flagged"])  # fmt: skip
        for r, p in enumerate(pairs, 1):
            w.writerow([r, _cell(p.a), _cell(p.b), f"{p.score:.3f}", f"{p.share_a:.3f}"]
                       + [f"{p.share_b:.3f}", p.tokens, own[p.a], own[p.b]]
                       + ["yes" if p.score >= flag else ""])  # fmt: skip
    html_path.write_text(_html(pairs, own, flag, top, len(boilerplate)), encoding="utf-8")
    return csv_path, html_path, pairs


def _cell(s: str) -> str:
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:80em}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .6em;text-align:right}
td.n{text-align:left}tr.flag{background:#fde2e2}mark{background:#ffe08a}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}
pre{background:#f6f6f6;padding:.5em;overflow:auto;font-size:85%}"""


def _html(pairs: list[Pair], own: dict[str, int], flag: float, top: int, n_bp: int) -> str:
    e = html.escape
    rows = []
    listed = [p for p in pairs[:TABLE_ROWS] if p.score > 0]
    for r, p in enumerate(listed, 1):
        cls = ' class="flag"' if p.score >= flag else ""
        rows.append(
            f"<tr{cls}><td>{r}</td><td class=n>{e(p.a)}</td><td class=n>{e(p.b)}</td>"
            f"<td>{p.score:.0%}</td><td>{p.share_a:.0%}</td><td>{p.share_b:.0%}</td>"
            f"<td>{p.tokens}</td></tr>"
        )
    shown = []
    for r, p in enumerate(pairs[:top], 1):
        if p.tokens:
            shown.append(
                f"<h3>{r}. {e(p.a)} and {e(p.b)}: {p.score:.0%}</h3><div class=pair>"
                f"<div><b>{e(p.a)}</b><pre>{p.html_a}</pre></div>"
                f"<div><b>{e(p.b)}</b><pre>{p.html_b}</pre></div></div>"
            )
    empty = sorted(s for s, t in own.items() if t == 0)
    note = (
        f"<p>Submissions with no code of their own (released code only): {e(', '.join(empty))}</p>"
        if empty
        else ""
    )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<title>Similar submissions (instructor only)</title>"
        f"<style>{CSS}</style></head><body><h1>Similar submissions (instructor only)</h1>"
        f"<p>{len(own)} submissions, {len(pairs)} pairs; code of {n_bp} released notebook(s) "
        "subtracted. Score = the larger share of one submission's own code found in the other. "
        f"Pairs at {flag:.0%} or more are shaded. A high score is a reason to look, "
        "not a verdict.</p>"
        f"{note}<table><tr><th>rank</th><th>student A</th><th>student B</th><th>score</th>"
        "<th>share of A</th><th>share of B</th><th>shared tokens</th></tr>"
        + "".join(rows)
        + f"</table><p>{len(pairs) - len(listed)} more pairs (lower, or with nothing shared) "
        "are in similarity.csv.</p><h2>Top pairs, shared code highlighted</h2>"
        + "".join(shown)
        + "</body></html>\n"
    )
