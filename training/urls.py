from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.reports, name="reports"),
    path("export/<str:what>/", views.reports_export, name="export"),
    path("questions/import/", views.questions_upload, name="import"),
    path("manager-exam/", views.manager_exam, name="manager_exam"),
]
