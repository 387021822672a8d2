"""URLs of concerns (included under /monitoring/ in the monitoring namespace)."""

urlpatterns: list = []
