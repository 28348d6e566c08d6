from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.visit_list, name="list"),
    path("coverage/", views.coverage, name="coverage"),
]
