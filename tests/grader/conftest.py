"""Fixtures of the after-the-run tests (gradebook, similarity, class report)."""

from __future__ import annotations

import shutil

import pytest

from tests.grader.classrun import grade, write_submissions


@pytest.fixture(scope="session")
def class_run(tmp_path_factory):
    """``(submissions, out)``: exercise 4's class (tests/grader/classrun.py), graded once."""
    root = tmp_path_factory.mktemp("classrun")
    subs = write_submissions(root / "subs")
    return subs, grade(subs, root / "out")


@pytest.fixture
def run_copy(class_run, tmp_path):
    """A private copy of the graded run's output (tests that write into it use this)."""
    subs, out = class_run
    dest = tmp_path / "out"
    shutil.copytree(out, dest)
    return subs, dest
