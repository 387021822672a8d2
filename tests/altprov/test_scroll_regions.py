"""Every table that scrolls sideways can be reached and scrolled by keyboard (WCAG 2.1.1).

A scroll box is a `table-responsive` wrapper; it must be a focusable region with a
name, so that Tab stops on it and a screen reader says what it holds.
"""

import re
from pathlib import Path

from django.conf import settings

WRAPPER = re.compile(r"<div\b[^>]*\bclass=\"[^\"]*\btable-responsive\b(?!-)[^\"]*\"[^>]*>")
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def wrappers():
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in WRAPPER.finditer(path.read_text()):
            yield path.relative_to(TEMPLATES), match.group(0)


def test_the_templates_have_scroll_boxes():
    assert len(list(wrappers())) >= 15


def test_every_scroll_box_is_a_named_focusable_region():
    bad = [
        f"{path}: {tag}"
        for path, tag in wrappers()
        if not ('tabindex="0"' in tag and 'role="region"' in tag and re.search(r'aria-label="[^"]+"', tag))
    ]
    assert not bad, "\n".join(bad)
