"""A real JupyterLab for one test module, and a Chromium to use it with."""

from __future__ import annotations

import pytest

from tests.browser.helpers import chromium, require_chromium  # noqa: F401  (a fixture)
from tests.lab.labdriver import jupyterlab


@pytest.fixture(scope="module")
def lab():
    """JupyterLab on 127.0.0.1 (token, temporary settings), stopped by its pid afterwards."""
    require_chromium()
    pytest.importorskip("jupyterlab", reason="jupyterlab is not installed (make test installs it)")
    with jupyterlab() as server:
        yield server


@pytest.fixture(scope="module")
def lab_context(chromium, lab):  # noqa: F811  (the imported fixture)
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    yield context
    context.close()
