from django.urls import path

from . import signin_export, views

app_name = "dashboard"
urlpatterns = [
    path("signins/", views.signin_stats, name="signins"),
    path("signins/export/", signin_export.signin_stats_export, name="signins_export"),
]
