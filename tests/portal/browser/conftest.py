"""Headless Chromium for the browser tests: Debian's `chromium` driven by Playwright.

Never a browser Playwright downloads: the executable is /usr/bin/chromium (or PORTAL_CHROMIUM).
Where it (or the playwright package, or a CJK font) is missing the tests are skipped with the
reason; with CI=true that is a failure, so CI cannot pass without running them. Screenshots go
to tests/artifacts/ (ignored by git) for a person to look at.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
# DESIGN.md §10
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def _missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium fonts-wqy-microhei)"
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
        if not fonts.strip():
            return "no Chinese font, screenshots would show empty boxes"
    return None


@pytest.fixture(scope="module")
def chromium(django_db_setup):
    """One browser per test module. The test database is set up first: Playwright's sync API
    keeps an event loop in this thread, where Django refuses ORM calls unless told they are
    safe, as they are here (the test's own calls, made between browser steps). The permission
    ends with the module, so the rest of the suite runs with Django's guard in place."""
    reason = _missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the browser tests, but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            yield browser
            browser.close()


@pytest.fixture
def browser_env(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def browse(chromium, browser_env, live_server):
    """Open browser contexts against the live server (a phone unless told otherwise). Any
    Content-Security-Policy violation reported in their consoles fails the test."""
    opened, violations = [], []

    def open_page(**options):
        context = chromium.new_context(
            **{**PHONE, "locale": "zh-CN", **options}, base_url=live_server.url
        )
        context.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and violations.append(message.text)
            ),
        )
        opened.append(context)
        return context.new_page()

    yield open_page
    for context in opened:
        context.close()
    assert violations == [], "the Content-Security-Policy blocked something"


def screenshot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def assert_reflows(page) -> None:
    """No horizontal scrolling: the page fits its width (WCAG 1.4.10 reflow)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"
