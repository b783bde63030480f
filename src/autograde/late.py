"""Late policy: when each student submitted, and what that costs.

A policy has a due date (timezone-aware), an optional grace period, a penalty per started day
late (a fraction of the assignment's maximum, or points) and/or a cap on the total penalty.
With a cap and no per-day penalty, any late submission loses the cap (a flat penalty).
Days late are counted from the due date: a submission 1 s after the grace period ends is one
day late, 24 h + 1 s after the due date two days.

Submission times come from

* Gradescope's ``submission_metadata.json`` (``created_at``, ``users: [{email, name, sid}]``):
  one file, a list of such objects, or a folder holding ``<student>/submission_metadata.json``;
* the modification times of the submitted files (``name.ipynb`` or ``name/*.ipynb``);
* a CSV with the columns ``student,submitted_at`` (ISO 8601).

A time without an offset is read in ``tz`` (an IANA name such as ``America/Toronto``); with no
``tz`` it is an error, never a silent guess.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY = timedelta(days=1)


class LatePolicyError(ValueError):
    """A due date, time, timezone or times file that cannot be used (the message says why)."""


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA timezone ``name`` (``None`` stays ``None``); unknown names raise."""
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise LatePolicyError(
            f"unknown timezone {name!r}: use an IANA name such as 'America/Toronto' or 'UTC'"
        ) from None


def parse_time(text: str, tz: str | None = None, *, what: str = "time") -> datetime:
    """Parse an ISO 8601 time (``2026-10-01T23:59``, ``...-04:00``, ``...Z``) to aware UTC.

    Parameters
    ----------
    text : str
        The time as written.
    tz : str, optional
        IANA timezone for a time written without an offset.
    what : str
        What the time is (named in errors), e.g. ``"due date"`` or ``"times.csv line 3"``.
    """
    s = str(text).strip()
    try:
        t = datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)
    except ValueError:
        raise LatePolicyError(
            f"{what}: {text!r} does not parse as a time (expected ISO 8601, "
            "e.g. 2026-10-01T23:59 or 2026-10-01T23:59:00-04:00)"
        ) from None
    if t.tzinfo is None:
        z = zone(tz)
        if z is None:
            raise LatePolicyError(f"{what}: {text!r} has no timezone; add an offset or a timezone")
        t = t.replace(tzinfo=z)
    return t.astimezone(UTC)


@dataclasses.dataclass(frozen=True)
class LatePolicy:
    """When work is due and what lateness costs.

    Attributes
    ----------
    due : datetime
        The due date (timezone-aware).
    per_day : float
        Penalty per started day late: a fraction of the maximum if ``fraction``, else points.
    fraction : bool
        Whether ``per_day`` and ``cap`` are fractions of the maximum (else points).
    cap : float or None
        The largest total penalty (same unit as ``per_day``); with ``per_day == 0`` a flat
        penalty for any late submission.
    grace : timedelta
        Submissions up to ``due + grace`` are on time.
    tz : str
        The IANA timezone times are shown in (feedback notes).
    """

    due: datetime
    per_day: float = 0.0
    fraction: bool = True
    cap: float | None = None
    grace: timedelta = timedelta(0)
    tz: str = "UTC"

    def show(self, t: datetime) -> str:
        """``t`` as a student reads it: in the course's timezone, to the minute."""
        return t.astimezone(zone(self.tz)).strftime("%Y-%m-%d %H:%M %Z")

    def __post_init__(self) -> None:
        if self.due.tzinfo is None:
            raise LatePolicyError("the due date has no timezone")
        if self.per_day < 0 or (self.cap is not None and self.cap < 0):
            raise LatePolicyError("the penalty per day and the cap must be >= 0")
        if self.per_day == 0 and self.cap is None:
            raise LatePolicyError("a late policy needs a penalty per day, a cap, or both")
        if self.fraction and max(self.per_day, self.cap or 0) > 1:
            raise LatePolicyError("a fractional penalty or cap must be at most 1 (100%)")
        if self.grace < timedelta(0):
            raise LatePolicyError("the grace period must be >= 0")
        zone(self.tz)

    def days_late(self, submitted: datetime) -> int:
        """Started days after the due date (0 if on time or within the grace period)."""
        if submitted <= self.due + self.grace:
            return 0
        return max(1, math.ceil((submitted - self.due) / DAY))

    def penalty(self, submitted: datetime, max_points: float) -> tuple[int, float]:
        """``(days late, points deducted)`` for a submission at ``submitted``."""
        days = self.days_late(submitted)
        if days == 0:
            return 0, 0.0
        unit = max_points if self.fraction else 1.0
        points = days * self.per_day * unit if self.per_day else (self.cap or 0) * unit
        if self.cap is not None:
            points = min(points, self.cap * unit)
        return days, round(points, 6)


def parse_amount(text: str, *, what: str) -> tuple[float, bool]:
    """``"10%"`` -> ``(0.1, True)`` (a fraction); ``"2"`` -> ``(2.0, False)`` (points)."""
    s = str(text).strip()
    frac = s.endswith("%")
    try:
        v = float(s[:-1] if frac else s)
    except ValueError:
        raise LatePolicyError(
            f"{what}: {text!r} is not a number or a percentage such as 10%"
        ) from None
    if not math.isfinite(v) or v < 0:
        raise LatePolicyError(f"{what}: {text!r} must be a finite number >= 0")
    return (v / 100.0, True) if frac else (v, False)


def make_policy(
    due: str,
    *,
    per_day: str | None = None,
    cap: str | None = None,
    grace_minutes: float = 0.0,
    tz: str | None = None,
) -> LatePolicy:
    """Build a :class:`LatePolicy` from the command line's strings (``"10%"``, ``"2"``)."""
    d = parse_time(due, tz, what="due date")
    per, f1 = parse_amount(per_day, what="penalty per day") if per_day else (0.0, None)
    cp, f2 = parse_amount(cap, what="cap") if cap else (None, None)
    if f1 is not None and f2 is not None and f1 != f2:
        raise LatePolicyError("the penalty per day and the cap must both be % or both points")
    frac = f1 if f1 is not None else (f2 if f2 is not None else True)
    return LatePolicy(d, per, frac, cp, timedelta(minutes=grace_minutes), tz or "UTC")


def times_from_csv(path: Path, tz: str | None = None) -> dict[str, datetime]:
    """``student -> submission time`` from a CSV with columns ``student,submitted_at``."""
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        cols = [c.strip() for c in reader.fieldnames or []]
        if "student" not in cols or "submitted_at" not in cols:
            raise LatePolicyError(
                f"{path} needs the columns 'student' and 'submitted_at' (it has: "
                f"{', '.join(cols) or 'none'})"
            )
        times = {}
        for i, row in enumerate(reader, 2):
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            if not row["student"]:
                raise LatePolicyError(f"{path} line {i}: empty student")
            times[row["student"]] = parse_time(row["submitted_at"], tz, what=f"{path} line {i}")
    return times


def times_from_files(folder: Path) -> dict[str, datetime]:
    """``student -> modification time`` of ``name.ipynb`` or the newest ``name/*.ipynb``."""
    times = {}
    for p in sorted(Path(folder).iterdir()):
        if p.is_file() and p.suffix == ".ipynb":
            times[p.stem] = datetime.fromtimestamp(p.stat().st_mtime, UTC)
        elif p.is_dir() and not p.name.startswith("."):
            stamps = [q.stat().st_mtime for q in p.glob("*.ipynb") if q.is_file()]
            if stamps:
                times[p.name] = datetime.fromtimestamp(max(stamps), UTC)
    return times


def times_from_gradescope(path: Path, students: set[str] | None = None) -> dict[str, datetime]:
    """Submission times from Gradescope's ``submission_metadata.json``.

    ``path`` is one such file, a JSON list or mapping of them, or a folder with
    ``<student>/submission_metadata.json`` (then the folder name is the student).  In a file,
    each submitter in ``users`` gets the time; a user is matched to a student by ``sid``,
    ``email``, the part of the email before ``@``, ``id`` or ``name`` (the first that is in
    ``students``; with no ``students``, the first present).
    """
    path = Path(path)
    if path.is_dir():
        out = {}
        for p in sorted(path.glob("*/submission_metadata.json")):
            meta = _read_json(p)
            out[p.parent.name] = _created_at(meta, p)
        return out
    data = _read_json(path)
    items = data if isinstance(data, list) else list(data.values())
    if isinstance(data, dict) and "created_at" in data:
        items = [data]
    out = {}
    for k, meta in enumerate(items):
        where = f"{path} submission {k + 1}"
        if not isinstance(meta, dict):
            raise LatePolicyError(f"{where} is not an object with created_at and users")
        t = _created_at(meta, where)
        for user in meta.get("users") or []:
            sid = _match_user(user, students)
            if sid is not None:
                out[sid] = max(t, out.get(sid, t))
    return out


def _read_json(p: Path):
    try:
        return json.loads(Path(p).read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise LatePolicyError(f"{p} is not readable JSON ({e})") from None


def _created_at(meta: dict, where) -> datetime:
    if "created_at" not in meta:
        raise LatePolicyError(f"{where} has no created_at")
    return parse_time(meta["created_at"], None, what=f"{where} created_at")


def _match_user(user: dict, students: set[str] | None) -> str | None:
    email = str(user.get("email") or "")
    cands = [user.get("sid"), email, email.split("@")[0], user.get("id"), user.get("name")]
    cands = [str(c) for c in cands if c not in (None, "")]
    if students is None:
        return cands[0] if cands else None
    return next((c for c in cands if c in students), None)
