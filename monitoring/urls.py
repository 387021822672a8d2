from django.urls import path

from . import views

# No app namespace: `home` is the site's root and LOGIN_REDIRECT_URL, named alone everywhere.
urlpatterns = [
    path("", views.home, name="home"),
    # Public: the footer links to them from every page, a provider's link pages included.
    path("help/", views.help_page, name="help"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]
