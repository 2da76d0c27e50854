"""System checks for the site shell: `manage.py check --deploy` refuses a release whose USWDS
stylesheet was never built (readers' pages link it; the manifest storage would fail on each page)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import Error, Tags, register

USWDS_CSS = "uswds/css/newsroom-uswds.css"


@register(Tags.staticfiles, deploy=True)
def uswds_stylesheet_built(app_configs, **kwargs):
    collected = Path(settings.STATIC_ROOT) / "uswds" / "css"
    if finders.find(USWDS_CSS) or any(collected.glob("newsroom-uswds*.css")):
        return []
    return [
        Error(
            f"The USWDS stylesheet readers' pages load ({USWDS_CSS}) has not been built.",
            hint="Run `npm ci && npm run build:css` (bin/dev and bin/test do it), then `manage.py "
            "collectstatic`: it is compiled from @uswds/uswds's Sass packages (assets/uswds.scss).",
            id="newsroom.E012",
        )
    ]
