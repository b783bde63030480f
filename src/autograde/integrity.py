"""What the grader adds around the spec's checks: whose numbers a submission is judged with,
and which shortcuts earn nothing.

Per-student numbers (:mod:`autograde.variants`): the grader asks every submission of such an
exercise for its ``STUDENT_ID`` and judges it with the numbers of

``roster`` (default)
    the id of its file or folder name; a notebook whose own id differs is flagged;
``notebook``
    the notebook's own ``STUDENT_ID`` (Gradescope, where no file name carries the id);
``off``
    nobody's: the common numbers (a course that turns variants off; students leave the id
    empty).

Shortcuts (:mod:`autograde.shortcuts`): the notebook's code is read here, in the grader's
process; a question that uses a shortcut its exercise forbids scores 0, with the reason.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from autograde import shortcuts, variants
from autograde.discover import code_sources
from autograde.spec import Plan, Request

ID_MODES = ("roster", "notebook", "off")


def has_variants(spec) -> bool:
    return bool(getattr(spec, "VARIANTS", False))


def with_id_request(spec, plan: Plan) -> Plan:
    """The plan, asking also for the notebook's ``STUDENT_ID`` if the exercise has variants."""
    if not has_variants(spec) or any(r.key == variants.ID_REQUEST for r in plan.requests):
        return plan
    ask = Request(variants.ID_REQUEST, "STUDENT_ID", "value")
    return dataclasses.replace(plan, requests=[*plan.requests, ask])


def write_job(spec, plan: Plan, path: Path) -> None:
    """The child's job file: the requests and the modules/attributes it must not offer."""
    job = {
        "requests": [r.to_json() for r in plan.requests],
        "block": shortcuts.runtime_blocks(getattr(spec, "FORBID", [])),
    }
    path.write_text(json.dumps(job))
    path.chmod(0o644)


def notebook_id(outputs: dict) -> str | None:
    value = outputs.get(variants.ID_REQUEST)
    return value if isinstance(value, str) else None


def grading_id(spec, ids: str, student: str, outputs: dict) -> str:
    """The id whose numbers this submission is judged with."""
    if not has_variants(spec) or ids == "off":
        return ""
    if ids == "notebook":
        return notebook_id(outputs) or ""
    return student


def id_note(spec, ids: str, student: str, outputs: dict) -> str | None:
    """A flag for a notebook whose ``STUDENT_ID`` is not the id it is graded as."""
    if not has_variants(spec) or ids != "roster":
        return None
    own = notebook_id(outputs)
    if own is not None and variants.normalize(own) == variants.normalize(student):
        return None
    said = "no STUDENT_ID" if own is None else f"STUDENT_ID {own[:60]!r}"
    return (
        f"[flag] the notebook has {said}, but it was submitted as {student[:60]!r}: it was "
        f"graded with the numbers of {student[:60]!r}."
    )


def provided(spec) -> set[str]:
    """Digests of the code cells the exercise gives (the released notebook's): the student's
    code is every other cell, and only that is read for shortcuts (a given test cell may use
    ``mlp.MLP`` to check an answer)."""
    path = Path(spec.__file__).with_name(getattr(spec, "NOTEBOOK", "student.ipynb"))
    return {shortcuts.digest(s) for s in code_sources(path) or []}


def refuse_shortcuts(spec, g, sources: list[str] | None) -> None:
    """Zero the questions whose code uses a forbidden shortcut (``g`` is a ``Graded``)."""
    forbids = getattr(spec, "FORBID", [])
    if not forbids or not sources:
        return
    from autograde._child import _transform

    given = provided(spec)
    own = [_transform(s) for s in sources if shortcuts.digest(s) not in given]
    found = shortcuts.scan(own, forbids)
    if not found:
        return
    for i, c in enumerate(g.checks):
        if c.question in found:
            why = "; ".join(dict.fromkeys(found[c.question]))
            msg = f"earns nothing: this exercise does not allow the shortcut (it {why})."
            g.checks[i] = dataclasses.replace(c, score=0.0, message=msg, mistake="shortcut")
    for q in found:
        g.questions[q] = 0.0
    g.total = round(sum(g.questions.values()), 4)
    for q, reasons in found.items():
        g.notes.append(f"[shortcut] {q}: {'; '.join(dict.fromkeys(reasons))}")
