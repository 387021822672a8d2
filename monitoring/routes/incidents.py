"""URLs of incidents (included under /monitoring/ in the monitoring namespace)."""

urlpatterns: list = []
