"""URLs of meetings (included under /monitoring/ in the monitoring namespace)."""

urlpatterns: list = []
