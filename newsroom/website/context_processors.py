from django.conf import settings


def site(request=None):
    """What every page's banner, header and footer need; no database, so error pages can use it."""
    return {
        "site_name": settings.SITE_NAME,
        "banner_domain": settings.BANNER_DOMAIN,
        "inspector_general_url": settings.INSPECTOR_GENERAL_URL,
        "dap_agency": settings.DAP_AGENCY,
        "dap_subagency": settings.DAP_SUBAGENCY,
    }
