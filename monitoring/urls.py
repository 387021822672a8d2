from django.urls import include, path

from .routes import concerns, incidents, meetings, records, retention, reviews, visits
from .views import pages

# Each part of monitoring keeps its own URL list in monitoring/routes/; all are
# in the "monitoring" namespace under /monitoring/.
monitoring_patterns = (
    [
        *visits.urlpatterns,
        *reviews.urlpatterns,
        *incidents.urlpatterns,
        *concerns.urlpatterns,
        *meetings.urlpatterns,
        *records.urlpatterns,
        *retention.urlpatterns,
    ],
    "monitoring",
)

# No app namespace for these: `home` is the site's root and LOGIN_REDIRECT_URL, named alone everywhere.
urlpatterns = [
    path("", pages.home, name="home"),
    # Public: the footer links to them from every page, a provider's link pages included.
    path("help/", pages.help_page, name="help"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    path("monitoring/", include(monitoring_patterns)),
]
