"""Drive a real JupyterLab (on 127.0.0.1, token, temporary settings) with Playwright.

Used by the lab tests and by benchmarks/bench_book.py. See FIELD-NOTES "A real JupyterLab
for tests": notebook windowing off (every cell is laid out, so every output can be
waited for) and autosave off (a test never rewrites a source notebook).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.browser.helpers import probe

REPO = Path(__file__).resolve().parents[2]

SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# finished: kernel idle, nothing queued or running ([*]), and at least one cell has run
DONE_JS = probe("labRunFinished")
IDLE_JS = probe("labIdle")


@dataclass
class Lab:
    url: str  # http://127.0.0.1:PORT/
    token: str
    process: subprocess.Popen
    log: Path
    root: Path

    def api(self, method: str, path: str) -> object:
        req = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """End every kernel session (through the server's REST API)."""
        for session in self.api("GET", "api/sessions") or []:
            self.api("DELETE", f"api/sessions/{session['id']}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def jupyterlab(root: Path = REPO, startup_timeout: float = 120):
    """Start JupyterLab on 127.0.0.1 serving ``root``; stop it by its process id at the end."""
    tmp = Path(tempfile.mkdtemp(prefix="mlp-lab-"))
    for name, value in SETTINGS.items():
        path = tmp / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k not in ("MLP_STATIC_WIDGETS", "PYTHONPATH")}
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTER_DATA_DIR=str(tmp / "data"),  # only the venv's kernelspec and extensions
        IPYTHONDIR=str(tmp / "ipython"),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ip", "127.0.0.1", "--port", str(port), f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    log = tmp / "lab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    lab = Lab(url=f"http://127.0.0.1:{port}/", token=token, process=proc, log=log, root=root)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{log.read_text()}")
            try:
                lab.api("GET", "api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start:\n{log.read_text()}") from None
                time.sleep(0.3)
        yield lab
    finally:
        try:
            if proc.poll() is None:
                lab.shutdown_kernels()
        except Exception:  # noqa: BLE001 - stopping anyway
            pass
        proc.terminate()  # this process only, by its id; it shuts down its kernels
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def open_notebook(context, lab: Lab, relpath: str, timeout: float = 90_000):
    """Open ``relpath`` in a new tab of JupyterLab; wait for all its cells and an idle kernel."""
    import nbformat

    n_cells = len(nbformat.read(lab.root / relpath, as_version=4).cells)
    page = context.new_page()
    page.set_default_timeout(timeout)
    page.goto(f"{lab.url}lab/tree/{relpath}?token={lab.token}&reset")
    page.wait_for_function(
        """([panel, n]) => {
          const nb = document.querySelector(panel);
          if (!nb || nb.querySelectorAll('.jp-Notebook .jp-Cell').length !== n) return false;
          const bar = (document.querySelector('#jp-main-statusbar') || {}).textContent || '';
          return !bar.includes('No Kernel') && /\\|\\s*Idle/.test(bar)
            && !!nb.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
        }""",
        arg=[PANEL, n_cells],
        polling=200,
        timeout=timeout,
    )
    return page


def run_all(page, timeout: float = 180_000) -> float:
    """Menu Run > Run All Cells; wait until the kernel is idle. Returns seconds taken."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    start = time.perf_counter()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.wait_for_function(DONE_JS, arg=PANEL, polling=100, timeout=timeout)
    return time.perf_counter() - start


def run_cell_by_cell(page, n_cells: int, timeout: float = 120_000) -> None:
    """Run every cell in turn with Shift+Enter, continuing after errors (as a student does)."""
    page.locator(f"{PANEL} .jp-Cell .jp-InputPrompt").first.click(timeout=10_000)
    for i in range(n_cells):
        # Shift+Enter runs a cell and selects the next; on the last cell it would add one
        page.keyboard.press("Shift+Enter" if i < n_cells - 1 else "Control+Enter")
        page.wait_for_timeout(50)
        page.wait_for_function(IDLE_JS, arg=PANEL, polling=50, timeout=timeout)


def code_cell_outputs(page) -> list[dict]:
    """For each code cell, in order: its prompt and the texts of its error outputs.

    JupyterLab renders an error with the stderr renderer, so an error is a stderr output
    with a traceback (a warning on stderr is not an error).
    """
    cells = page.evaluate(
        """(panel) => [...document.querySelector(panel).querySelectorAll('.jp-CodeCell')]
           .map(c => ({
             prompt: (c.querySelector('.jp-InputPrompt') || {}).textContent || '',
             stderr: [...c.querySelectorAll(
               ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")]
               .map(e => e.innerText),
           }))""",
        PANEL,
    )
    error = re.compile(r"Traceback \(most recent call last\)|^\w*(Error|Exception)\b", re.M)
    return [
        {"prompt": c["prompt"], "errors": [t for t in c["stderr"] if error.search(t)]}
        for c in cells
    ]
