"""URLs of reviews (included under /monitoring/ in the monitoring namespace)."""

urlpatterns: list = []
