from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("signins/", views.signin_stats, name="signins"),
    path("signins/export/", views.signin_stats_export, name="signins_export"),
]
