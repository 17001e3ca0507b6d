"""The two widgets in a real browser against a real server: JupyterLab started here on
127.0.0.1 (a free port, no token, temporary root and settings folders, killed
afterwards), driven by Playwright with Debian's chromium. And the explorer's saved
page, with no server at all."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = os.environ.get("CHAINRULE_SHOTS")  # a folder: save screenshots of every state

LECTURE = """import viz
from autograd import Value
x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
q = x + y; q.label = "q"
f = q * z; f.label = "f"
viz.explore(f)"""
PLAYGROUND = "import viz\nviz.playground(hidden=(8,), n=100, lr=0.1)"


def notebook(source: str) -> str:
    cell = {"cell_type": "code", "execution_count": None, "id": "c0", "metadata": {},
            "outputs": [], "source": source}  # fmt: skip
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return json.dumps({"cells": [cell], "metadata": {"kernelspec": kernel},
                       "nbformat": 4, "nbformat_minor": 5})  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    pytest.importorskip("anywidget")
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    pytest.importorskip("jupyterlab")
    pytest.importorskip("anywidget")
    from ipykernel.kernelspec import install

    home = tmp_path_factory.mktemp("lab")
    root = home / "root"
    root.mkdir()
    (root / "explore.ipynb").write_text(notebook(LECTURE))
    (root / "playground.ipynb").write_text(notebook(PLAYGROUND))
    install(prefix=str(home / "kernel"), kernel_name="python3")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "JUPYTER_PATH": str(home / "kernel" / "share" / "jupyter"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "TQDM_DISABLE": "1",
    }
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
         "--ServerApp.password=", f"--ServerApp.root_dir={root}",
         "--ServerApp.disable_check_xsrf=True", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        env=env, stdout=subprocess.DEVNULL, stderr=open(home / "lab.log", "w"),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail((home / "lab.log").read_text()[-2000:])
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start in 60 s")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def open_and_run(browser, url: str, name: str, ready: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}/lab/workspaces/{Path(name).stem}/tree/{name}?reset")  # no tab restored
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    for _ in range(120):  # a second notebook may be asked which kernel it wants
        if accept.count() and accept.first.is_visible():
            accept.first.click()
        if page.get_by_text("Python 3 (ipykernel) | Idle").count() and not accept.count():
            break
        page.wait_for_timeout(500)
    page.click(".jp-Cell .jp-InputArea-editor")
    page.keyboard.press("Control+Enter")  # run the cell, stay on it
    try:
        page.wait_for_selector(ready, timeout=60_000)
    except Exception:
        shot(page, f"failed-{name}")
        raise AssertionError(f"{ready} never showed; console: {errors}") from None
    return page, errors


def data_of(page, key: str) -> str:
    texts = page.locator(f'.cr-explore g[data-key="{key}"] text').all_text_contents()
    return texts[texts.index("data") + 2]


def test_in_jupyterlab_the_explorer_hovers_explains_and_reruns_on_a_new_x(browser, lab):
    page, errors = open_and_run(browser, lab, "explore.ipynb", ".cr-explore[data-ready]")
    assert data_of(page, "v4") == "-12"  # f
    shot(page, "lab-explore-0")
    page.hover('.cr-explore g[data-key="v2->o4#0"] text >> nth=0')
    tip = page.inner_text(".cr-explore .cr-tip")
    assert "∂f/∂q = z = -4" in tip and "upstream 1 × local -4 = -4" in tip
    shot(page, "lab-explore-hover")
    page.click('.cr-explore g[data-key="v0"]')
    assert "∂f/∂x = ∂f/∂q · ∂q/∂x" in page.inner_text(".cr-explain").replace("\n= ", " = ")
    page.hover('.cr-explore g[data-key="v3->o4#0"] text >> nth=0')  # a tip open: ∂f/∂z = q = 3
    box = page.locator('.cr-explore input[data-key="v0"]')
    box.fill("3")
    box.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.cr-explore g[data-key=\"v4\"] text')]"
        ".some(t => t.textContent === '-32')",
        timeout=20_000,
    )
    page.wait_for_function(  # the open tip shows the new numbers without a mouse move
        "() => document.querySelector('.cr-explore .cr-tip').textContent.includes('q = 8')",
        timeout=5_000,
    )
    shot(page, "lab-explore-tip-after-x3")
    trips = []
    for value in ("4", "5", "6", "3"):
        page.evaluate("() => { delete document.querySelector('.cr-explore').dataset.roundtrip; }")
        box.fill(value)
        box.press("Enter")
        page.wait_for_selector(".cr-explore[data-roundtrip]", timeout=20_000)
        page.wait_for_function(
            "(v) => [...document.querySelectorAll('.cr-explore g[data-key=\"v4\"] text')]"
            ".some(t => t.textContent === String(-4 * (v + 5)))",
            arg=int(value),
        )
        trips.append(float(page.locator(".cr-explore").get_attribute("data-roundtrip")))
    print(f"explorer round trips (ms): {trips}")
    assert min(trips) <= 100 and sorted(trips)[len(trips) // 2] <= 250
    shot(page, "lab-explore-x3")
    box.fill("abc")
    box.press("Enter")
    page.wait_for_selector(".cr-explore .cr-error")
    assert "TypeError" in page.inner_text(".cr-explore .cr-error")
    assert data_of(page, "v4") == "-32"  # the last good state stays
    shot(page, "lab-explore-error")
    page.select_option(".cr-explore .cr-by", "edge")
    page.click(".cr-explore .cr-next")
    assert page.inner_text(".cr-explore .cr-caption").startswith("step 1 of 4")
    page.close()
    assert not errors, errors


def test_in_jupyterlab_the_playground_trains_and_refuses_zero_hidden_units(browser, lab):
    page, errors = open_and_run(browser, lab, "playground.ipynb", ".cr-play[data-ready]")
    page.wait_for_selector(".cr-play .cr-loss")
    shot(page, "lab-playground-0")
    loss_box = page.locator('.cr-play select[data-setting="loss"]')
    fits = (  # room for its longest choice and the arrow beside it
        "(s) => { const c = document.createElement('canvas').getContext('2d');"
        " c.font = getComputedStyle(s).font;"
        " const w = Math.max(...[...s.options].map((o) => c.measureText(o.text).width));"
        " return s.clientWidth >= w + 12; }"
    )
    assert loss_box.evaluate(fits), "the loss dropdown's words are cut off"
    hidden = page.locator('.cr-play input[data-setting="hidden"]')
    hidden.fill("0")
    hidden.press("Enter")
    assert "cr-bad" in hidden.get_attribute("class")
    lr = page.locator('.cr-play input[data-setting="lr"]')
    lr.fill("-1")
    lr.press("Enter")
    assert "cr-bad" in lr.get_attribute("class")
    shot(page, "lab-playground-refused")
    lr.fill("0.1")
    lr.press("Enter")
    hidden.fill("8")
    hidden.press("Enter")
    page.click(".cr-play .cr-train")
    page.wait_for_function(
        "() => parseInt(document.querySelector('.cr-play .cr-epoch').textContent.match(/\\d+/)[0])"
        " >= 30",
        timeout=60_000,
    )
    rate = float(page.locator(".cr-play").get_attribute("data-updates-per-second"))
    page.click(".cr-play .cr-train")  # pause
    print(f"playground updates a second: {rate}")
    assert rate >= 2
    loss = page.inner_text(".cr-play .cr-loss")
    shot(page, "lab-playground-trained")
    page.check(".cr-play .cr-units-on")
    page.wait_for_selector(".cr-play .cr-units canvas")
    points = page.evaluate("() => 0")
    box = page.locator(".cr-play canvas.cr-map").bounding_box()
    page.mouse.click(box["x"] + 20, box["y"] + 20)
    page.wait_for_timeout(500)
    shot(page, "lab-playground-units")
    assert loss.split()[1] != "–" and points == 0
    page.close()
    assert not errors, errors


def test_the_saved_explorer_works_without_a_kernel(browser, tmp_path, lecture):
    import viz

    *_, f = lecture()
    for lang in ("en", "ru"):
        path = viz.explore(f, lang=lang).save(tmp_path / f"explore-{lang}.html")
        page = browser.new_page(viewport={"width": 1200, "height": 700})
        errors: list[str] = []
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.on(
            "console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None
        )
        page.goto(path.as_uri())
        page.wait_for_selector(".cr-explore[data-ready]")
        page.hover('.cr-explore g[data-key="v0"]')
        assert "∂f/∂x = -4" in page.inner_text(".cr-explore .cr-tip")
        page.click('.cr-explore g[data-key="v1"]')
        assert page.inner_text(".cr-explain").replace("\n= ", " = ").count("∂f/∂y") >= 1
        page.select_option(".cr-explore .cr-by", "edge")
        page.click(".cr-explore .cr-next")
        page.click(".cr-explore .cr-next")
        caption = page.inner_text(".cr-explore .cr-caption")
        assert caption.startswith("step 2 of 4" if lang == "en" else "шаг 2 из 4")
        assert page.locator('.cr-explore input[data-key="v0"]').is_disabled()
        needs = "needs a running kernel" if lang == "en" else "работающим ядром"
        assert needs in page.inner_text(".cr-leaves")
        shot(page, f"saved-explore-{lang}")
        page.close()
        assert not errors, errors
