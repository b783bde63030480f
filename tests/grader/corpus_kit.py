"""What the per-exercise corpus modules (``corpus_exNN.py``) and exercise tests share: a
notebook built from an exercise's solution or student notebook with cells edited, inserted or
appended, one entry per forbidden name, and the namespace of a notebook's cells run here.
``python tests/grader/corpus.py OUT`` writes every entry."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence

from nbformat.v4 import new_code_cell

from tests.grader.corpus import Entry, _cell, _nb, _text


def notebook(
    exercise: str,
    which: str = "solution",
    *,
    sid: str | None = None,
    edits: Mapping[str, str] | None = None,
    after: Sequence[tuple[str, str]] = (),
    append: Sequence[str] = (),
) -> Callable[[], str]:
    """A builder of ``exercise``'s ``which`` notebook with ``STUDENT_ID = sid`` (None: as it
    is), cells replaced by id (``edits``), code cells inserted after a cell (``after``:
    ``(cell id, source)`` pairs) and code cells appended (``append``)."""

    def build() -> str:
        nb = copy.deepcopy(_nb(exercise, which))
        if sid is not None:
            _cell(nb, "student-id").source = f'STUDENT_ID = "{sid}"'
        for cid, src in (edits or {}).items():
            _cell(nb, cid).source = src
        for k, (cid, src) in enumerate(after):
            i = next(j for j, c in enumerate(nb.cells) if c.get("id") == cid)
            nb.cells.insert(i + 1, new_code_cell(src, id=f"after-{k}"))
        for k, src in enumerate(append):
            nb.cells.append(new_code_cell(src, id=f"extra-{k}"))
        return _text(nb)

    return build


def forbidden_uses(
    exercise: str,
    forbid: Sequence,
    uses: Mapping[str, str],
    points: Mapping[str, float],
    *,
    with_sid: bool = False,
) -> list[Entry]:
    """One entry per forbidden name of the spec: the solution plus one line using it, which
    costs exactly the questions the name is forbidden in (``points``: full points by
    question)."""
    assert {f.name for f in forbid} <= set(uses), "a forbidden name has no corpus entry"
    out = []
    for f in forbid:
        name = "uses-" + f.name.strip("@").replace(".", "-").replace("_", "-")
        build = notebook(exercise, sid=name if with_sid else None, append=(uses[f.name],))
        lost = {q: (0 if q in f.questions else p) for q, p in points.items()}
        out.append(Entry(exercise, name, build, points=lost, feedback=("earns nothing",)))
    return out


def run_cells(exercise: str, ids: Sequence[str], which: str = "solution") -> dict:
    """The namespace after running the cells of ``exercise``'s ``which`` notebook whose ids are
    in ``ids``, in the notebook's order (our own notebooks, run in this process)."""
    ns: dict = {}
    for c in _nb(exercise, which).cells:
        if c.get("id") in ids:
            exec(compile(c.source, c.get("id"), "exec"), ns)  # noqa: S102 - our own notebook
    return ns
