"""URLs of visits (included under /monitoring/ in the monitoring namespace)."""

urlpatterns: list = []
