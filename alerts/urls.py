from django.urls import path

from . import views

app_name = "alerts"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("export/", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
