"""Real checkers for the generated HTML: the Nu Html Checker (Java) and axe-core in Debian's Chromium."""

from __future__ import annotations

import json
import subprocess
from contextlib import contextmanager
from pathlib import Path

TOOLS = Path(__file__).parent / "tools" / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Chromium must not reach for the network it will not get; each flag stops one kind of attempt.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def nu_check(files: list[Path]) -> list[dict]:
    """Every error the Nu Html Checker finds in `files`, in one JVM start."""
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    # The checker always writes its report, even an empty one; silence means it did not run (no Java,
    # a broken jar), which must fail the test rather than pass as "no findings".
    assert result.stderr.strip(), f"the Nu Html Checker wrote no report (exit code {result.returncode}): {result.stdout[:300]}"
    report = json.loads(result.stderr)
    assert isinstance(report.get("messages"), list), f"the Nu Html Checker's report has no messages list: {result.stderr[:300]}"
    return [m for m in report["messages"] if m.get("type") == "error"]


@contextmanager
def chromium(user_data_dir: Path):
    """One headless Chromium for the whole test session; only file: URLs and this machine's (press serve) may load."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(user_data_dir), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        )
        local = ("file:", "http://127.0.0.1:")
        browser.route("**/*", lambda route: route.continue_() if route.request.url.startswith(local) else route.abort())
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
