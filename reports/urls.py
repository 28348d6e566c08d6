from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("build/", views.build, name="build"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/xlsx/", views.export, name="export"),
]
