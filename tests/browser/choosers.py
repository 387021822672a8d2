"""Choose a record in a chooser (static/js/chooser.js) with the keyboard, as a user does."""

from playwright.sync_api import Page, expect


def choose(page: Page, field: str, typed: str, option: str | None = None) -> None:
    """Type into the chooser `field` (a CSS selector), arrow down to the option containing
    `option` (else the typed text) and press Enter."""
    box = page.locator(field)
    box.fill("")
    box.press_sequentially(typed)
    listbox = page.locator(f"{field}-listbox")
    wanted = option or typed
    expect(listbox.get_by_role("option", name=wanted).first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    for _ in range(20):
        box.press("ArrowDown")
        active = page.locator(f"#{box.get_attribute('aria-activedescendant')}")
        if wanted in active.inner_text():
            break
    box.press("Enter")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"{field}-value")).not_to_have_value("")
