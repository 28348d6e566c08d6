from django.urls import path

from . import views

app_name = "pledges"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("export/<str:what>/", views.coverage_export, name="export"),
    path("versions/", views.templates, name="templates"),
    path("venue/<int:pk>/", views.venue, name="venue"),
    path("<int:pk>/", views.detail, name="detail"),
]
