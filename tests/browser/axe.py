"""axe-core in the test's own Chromium: installed with the axe-playwright-python package, never fetched."""

from dataclasses import dataclass, field
from pathlib import Path

import axe_playwright_python
from playwright.sync_api import Page

AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()

# WCAG 2.2 A and AA, and axe's best practices (landmarks, headings, regions).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING = {"serious", "critical"}


@dataclass
class Finding:
    where: str
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        nodes = ", ".join(self.targets[:3]) + (
            f" (+{len(self.targets) - 3} more)" if len(self.targets) > 3 else ""
        )
        return f"{self.where}: {self.impact} {self.rule} ({self.help}) at {nodes}"


@dataclass
class Report:
    pages: int = 0
    failing: list[Finding] = field(default_factory=list)
    listed: list[Finding] = field(default_factory=list)

    def check(self, page: Page, where: str) -> None:
        """Run axe on the page as it is now and file each violation by its impact."""
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the browser's debugging protocol, which the
            # page's Content-Security-Policy does not govern (an inline
            # <script> tag would be refused).
            page.evaluate(AXE_JS + "\n;void 0")
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            TAGS,
        )
        self.pages += 1
        for violation in result["violations"]:
            finding = Finding(
                where=where,
                rule=violation["id"],
                impact=violation["impact"] or "",
                help=violation["help"],
                targets=[" ".join(map(str, node["target"])) for node in violation["nodes"]],
            )
            (self.failing if finding.impact in FAILING else self.listed).append(finding)

    def assert_clean(self) -> None:
        assert not self.failing, self.summary()

    def summary(self) -> str:
        lines = [
            f"{self.pages} page checks, {len(self.failing)} serious or critical, {len(self.listed)} other"
        ]
        lines += [f"  {finding}" for finding in self.failing + self.listed]
        return "\n".join(lines)
