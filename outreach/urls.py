from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.visit_list, name="list"),
    path("export/", views.visit_export, name="export"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/export/", views.coverage_export, name="coverage_export"),
]
