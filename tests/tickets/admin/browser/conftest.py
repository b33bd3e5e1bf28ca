"""The staff pages in headless Chromium: the same browser, flags and artifacts folder as the
residents' browser tests (tests/portal/browser/conftest.py), at desktop size."""

import pytest

from tests.portal.browser.conftest import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    browser_env,
    chromium,
    screenshot,
)

DESKTOP = {
    "viewport": {"width": 1366, "height": 900},
    "device_scale_factor": 1,
    "is_mobile": False,
    "has_touch": False,
    "locale": "zh-CN",
}


@pytest.fixture
def staff_page(chromium, browser_env, live_server):  # noqa: F811 (the imported fixtures)
    """A desktop page against the live server, and the Content-Security-Policy reports its
    console logged, as (page path, message). The staff site's policy is report-only; the test
    decides which reports it accepts (django-admin-rangefilter's date filter on the ticket list
    carries an inline script and style of its own)."""
    context = chromium.new_context(**DESKTOP, base_url=live_server.url)
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and violations.append((page.url.removeprefix(live_server.url), message.text))
        ),
    )
    yield page, violations
    context.close()
