from django.urls import path

from . import views

# No app namespace: `home` is the site's root and LOGIN_REDIRECT_URL, named alone everywhere.
urlpatterns = [
    path("", views.home, name="home"),
]
