"""The USWDS stylesheet readers' pages load is built from the package's Sass with only the
components they use (assets/uswds.scss): every USWDS class a reader's page can carry must still be
styled as the full stylesheet styles it, so a component missing from the build fails here, not
on the page. bin/test builds the stylesheet first (npm run build:css)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BUILT = ROOT / "build" / "static" / "uswds" / "css" / "newsroom-uswds.css"
FULL = ROOT / "node_modules" / "@uswds" / "uswds" / "dist" / "css" / "uswds.css"
# Classes pages get from elsewhere than templates/readers/: the story body's HTML
# (newsroom/stories/body/) and USWDS's own scripts, which open the phone menu and the banner.
BODY_CLASSES = {"usa-list", "usa-table", "usa-table-container--scrollable"}
SCRIPT_CLASSES = {"is-visible", "usa-mobile-nav-active", "usa-banner__header--expanded"}


def selector_classes(css: str) -> set[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\{[^{}]*\}", "{}", css)  # declarations out: url(...)s and values are no classes
    return {name.replace("\\:", ":") for name in re.findall(r"\.((?:[A-Za-z_-]|\\:)(?:[\w-]|\\:)*)", css)}


def template_classes() -> set[str]:
    found = set()
    for template in (ROOT / "templates" / "readers").rglob("*.html"):
        for value in re.findall(r'class="([^"]*)"', template.read_text()):
            value = re.sub(r"\{[{%].*?[%}]\}", " ", value)  # Jinja expressions: their literal parts stay
            found.update(value.split())
    return found


@pytest.fixture(scope="module")
def built():
    if not BUILT.exists():
        pytest.fail(f"{BUILT.relative_to(ROOT)} is missing: run npm run build:css (bin/test does)")
    return selector_classes(BUILT.read_text())


def test_every_uswds_class_the_pages_use_is_in_the_built_stylesheet(built):
    full = selector_classes(FULL.read_text())
    used = (template_classes() | BODY_CLASSES | SCRIPT_CLASSES) & full
    assert {"usa-banner", "usa-header", "grid-container", "tablet:grid-col-6", "display-flex"} <= used
    assert sorted(used - built) == []


def test_the_built_stylesheet_is_a_fraction_of_the_full_one():
    assert BUILT.stat().st_size < FULL.stat().st_size / 3


def test_the_serif_is_the_systems_georgia_not_a_webfont_to_wait_for():
    # The Merriweather webfont was one more download before a story's first paint (its summary is
    # serif): Lighthouse scored the story and archive pages 99 until the serif became Georgia.
    css = BUILT.read_text() + (ROOT / "static" / "css" / "newsroom.css").read_text()
    assert "merriweather" not in css.lower()
    assert ".usa-intro{font-family:Georgia" in BUILT.read_text()


def test_check_deploy_refuses_a_release_whose_stylesheet_was_never_built(settings, tmp_path):
    from newsroom.website.checks import uswds_stylesheet_built

    assert uswds_stylesheet_built(None) == []
    settings.STATICFILES_DIRS = [ROOT / "static"]
    settings.STATIC_ROOT = tmp_path
    from django.contrib.staticfiles import finders

    finders.get_finder.cache_clear()
    try:
        assert [error.id for error in uswds_stylesheet_built(None)] == ["newsroom.E012"]
        (tmp_path / "uswds" / "css").mkdir(parents=True)
        (tmp_path / "uswds" / "css" / "newsroom-uswds.0123456789ab.css").write_text("")
        assert uswds_stylesheet_built(None) == []  # collected on a release that has no build/ folder
    finally:
        finders.get_finder.cache_clear()
