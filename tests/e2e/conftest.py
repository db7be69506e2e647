import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in tests are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(os.environ.get("GUANXI_SCREENSHOTS", "screenshots"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_session() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: apt-get install chromium")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _Watched:
    """The session's browser, whose every new page reports what the Content-Security-Policy
    refused (an inline script, an eval) to ``refused``."""

    def __init__(self, browser: object, refused: list[str]) -> None:
        self._browser = browser
        self._refused = refused

    def new_context(self, *args: object, **kwargs: object) -> object:
        context = self._browser.new_context(*args, **kwargs)  # type: ignore[attr-defined]

        def watch(page: object) -> None:
            def on_console(message: object) -> None:
                text = message.text  # type: ignore[attr-defined]
                if "Content Security Policy" in text:
                    self._refused.append(f"{page.url}: {text}")  # type: ignore[attr-defined]

            page.on("console", on_console)  # type: ignore[attr-defined]

        context.on("page", watch)
        return context

    def __getattr__(self, name: str) -> object:
        return getattr(self._browser, name)


@pytest.fixture
def browser(browser_session: object) -> Iterator[object]:
    """Each browser test fails if a page it opened broke the Content-Security-Policy."""
    refused: list[str] = []
    yield _Watched(browser_session, refused)
    assert refused == []
