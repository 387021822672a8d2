"""Tab through a page as a keyboard user does, and look at each focus ring."""

from dataclasses import dataclass

from playwright.sync_api import Page

# Marks every control a keyboard should reach, in document order: shown, enabled,
# not taken out of the tab order; of a group of radios, the browser stops on one.
MARK_CONTROLS = """() => {
  const controls = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'
  )].filter(el => el.tabIndex >= 0 && !el.disabled && el.checkVisibility({visibilityProperty: true})
    && !el.closest('[inert]'));
  const groups = new Set();
  let n = 0;
  for (const el of controls) {
    let key = String(n);
    if (el.type === 'radio' && el.name) {
      if (groups.has(el.name)) { el.dataset.kb = 'radio:' + el.name; continue; }
      groups.add(el.name);
      key = 'radio:' + el.name;
    }
    el.dataset.kb = key;
    n++;
  }
  return [...document.querySelectorAll('[data-kb]')].map(el => el.dataset.kb)
    .filter((key, i, all) => all.indexOf(key) === i);
}"""

# The focused element: its key, whether it is a native control (so Enter or
# Space works it without script), and its focus ring against what is behind it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const rgb = text => (text.match(/rgba?\\(([^)]+)\\)/) || [null, ''])[1].split(',').map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const behind = node => {
    for (; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length >= 3 && (colour.length === 3 || colour[3] > 0)) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  // Bootstrap's button radios hide the input and show the focus on its label.
  const shown = el.matches('.btn-check') ? el.nextElementSibling : el;
  const style = getComputedStyle(shown);
  const back = behind(shown.parentElement);
  const rings = [];
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) {
    rings.push(rgb(style.outlineColor));
  }
  if (style.boxShadow !== 'none') {
    for (const part of style.boxShadow.split(/,(?![^(]*\\))/)) {
      const sizes = part.replace(/rgba?\\([^)]*\\)/, '').trim().split(/\\s+/).map(parseFloat);
      if (sizes.length >= 4 && sizes[3] >= 2) rings.push(rgb(part));
    }
  }
  const native = el.matches('a[href], button, input, select, textarea, summary')
    || (el.matches('[role=region][tabindex="0"]'));
  return {
    key: el.dataset.kb || '',
    what: `${el.outerHTML.slice(0, 100)} (outline ${style.outlineStyle} ${style.outlineWidth} `
      + `${style.outlineColor}, box-shadow ${style.boxShadow}, behind rgb(${back}))`,
    native,
    // A see-through ring (Bootstrap's are 25% to 50%) is seen blended with what is behind it.
    contrast: Math.max(0, ...rings.filter(c => c.length >= 3).map(
      ([r, g, b, a = 1]) => ratio([r, g, b].map((v, i) => v * a + back[i] * (1 - a)), back)
    )),
  };
}"""


@dataclass
class Walk:
    expected: list[str]
    reached: list[str]
    problems: list[str]
    left_the_page: bool

    @property
    def missed(self) -> list[str]:
        return [key for key in self.expected if key not in self.reached]


def tab_through(page: Page) -> Walk:
    """Tab from the top of the page until focus leaves it, noting each stop's ring.

    A ring must differ from what is behind it by 3:1 (WCAG 2.4.11 and 1.4.11).
    """
    expected = page.evaluate(MARK_CONTROLS)
    # Focus a stop-less mark at the very top, so that the first Tab goes to the page's first control.
    page.evaluate(
        """() => {
          const start = document.createElement('span');
          start.tabIndex = -1;
          start.id = 'kb-start';
          document.body.prepend(start);
          start.focus();
        }"""
    )
    reached: list[str] = []
    problems: list[str] = []
    left = False
    for _ in range(len(expected) + 10):
        page.keyboard.press("Tab")
        page.evaluate("() => document.getElementById('kb-start')?.remove()")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            left = bool(reached)
            if left:
                break
            continue
        reached.append(focused["key"])
        if not focused["native"]:
            problems.append(f"not a native control: {focused['what']}")
        if focused["contrast"] < 3:
            problems.append(f"focus ring {focused['contrast']:.2f}:1: {focused['what']}")
    return Walk(expected=expected, reached=reached, problems=problems, left_the_page=left)
