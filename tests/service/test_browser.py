"""Real-browser tests: Debian's chromium driven by Playwright against `trialmatch serve`.

The server runs in a subprocess on a free loopback port. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "TRIALMATCH_API_KEYS": "browser-test"}
    env.pop("TRIALMATCH_DATA_DIR", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from service.cli import main; main()",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"trialmatch serve did not start: {out[-2000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: run scripts/install-browser")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _fill_example(page) -> None:
    """The example profile, one step at a time (Next buttons come from JavaScript)."""
    page.get_by_label("What kind of cancer do you have?").fill("pancreatic ductal adenocarcinoma")
    page.get_by_label("How far has it spread?").select_option("locally advanced")
    page.get_by_label("What stage is it?").select_option("III")
    page.locator("#step-cancer").get_by_role("button", name="Next").click()
    page.get_by_label("Yes").check()
    page.get_by_label("Name of the treatment or drugs").first.fill("FOLFIRINOX")
    page.locator("#therapy1_kind").select_option("chemotherapy")
    page.locator("#therapy1_start").fill("2025-11")
    page.locator("#therapy1_end").fill("2026-08")
    page.locator("#step-treatments").get_by_role("button", name="Next").click()
    page.get_by_label("KRAS").select_option("positive")
    page.get_by_label("MSI / mismatch repair (MMR)").select_option("negative")
    page.get_by_label("BRCA2").select_option("negative")
    page.locator("#step-tests").get_by_role("button", name="Next").click()
    page.get_by_label("I can't do heavy physical work", exact=False).check()
    page.locator("#step-daily").get_by_role("button", name="Next").click()
    page.get_by_label("Your age (years)").fill("62")
    page.get_by_label("Sex", exact=True).select_option("male")
    page.locator("#step-about").get_by_role("button", name="Next").click()
    page.get_by_label("Your ZIP code").fill("10016")
    page.get_by_label("How far can you travel?").select_option("300")
    page.get_by_role("button", name="Show trials").click()


def test_patient_journey(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    page.set_default_timeout(90_000)
    page.goto(server + "/")
    # one step at a time with JavaScript
    assert page.locator("#step-cancer").is_visible()
    assert not page.locator("#step-place").is_visible()
    _fill_example(page)
    page.wait_for_selector("text=Trials that may fit you")
    assert page.locator("li.match").count() > 0
    page.screenshot(path=str(ARTIFACTS / "results.png"), full_page=True)

    # answer the first question: the results update in place (htmx), no page load
    before = page.locator('input[name="profile_json"]').first.get_attribute("value")
    question = page.locator("form.question").first
    select = question.locator("select")
    if select.count():
        select.select_option(index=1)
    else:
        question.locator('input[name="value"]').fill("12")
    url = page.url
    with page.expect_response("**/results/answer"):
        question.get_by_role("button", name="Update results").click()
    page.wait_for_function(
        "b => document.querySelector('input[name=profile_json]')?.value !== b", arg=before
    )
    assert page.url == url  # swapped in place
    page.screenshot(path=str(ARTIFACTS / "results-answered.png"), full_page=True)

    # open a trial page, then its print view
    page.locator("li.match h3 a").first.click()
    page.wait_for_selector("text=Who may be eligible (plain English)")
    assert page.locator("table.criteria").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "trial.png"), full_page=True)
    page.get_by_role("link", name="Printable summary for your doctor").click()
    page.wait_for_selector("text=Questions for my doctor")
    page.emulate_media(media="print")
    page.pdf(path=str(ARTIFACTS / "trial-print.pdf"))
    page.screenshot(path=str(ARTIFACTS / "trial-print.png"), full_page=True)
    page.close()


def test_form_works_without_javascript(server: str, browser) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.set_default_timeout(90_000)
    page.goto(server + "/")
    assert page.locator("#step-place").is_visible()  # all questions on one page
    page.get_by_label("What kind of cancer do you have?").fill("non-small cell lung cancer")
    page.get_by_label("EGFR").select_option("positive")
    page.get_by_role("button", name="Show trials").click()
    page.wait_for_selector("text=Trials that may fit you")
    assert page.locator("li.match").count() > 0
    ctx.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/note",
        "/trials/NCT06532617",
        "/trials/NCT06532617/print",
        "/interventions/cadonilimab",
    ],
)
def test_readable_at_360px_without_horizontal_scroll(server: str, browser, path: str) -> None:
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    page = ctx.new_page()
    page.goto(server + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    name = path.strip("/").replace("/", "_") or "form"
    page.screenshot(path=str(ARTIFACTS / f"360-{name}.png"), full_page=True)
    assert width <= 360, f"{path} is {width}px wide at a 360px viewport"
    ctx.close()


def test_keyboard_reaches_the_first_field(server: str, browser) -> None:
    page = browser.new_page()
    page.goto(server + "/")
    page.keyboard.press("Tab")  # skip link
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "cancer"
    page.close()
