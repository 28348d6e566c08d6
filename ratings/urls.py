from django.urls import path

from . import views

app_name = "ratings"
urlpatterns = [
    path("rules/", views.rules, name="rules"),
    path("due/", views.due, name="due"),
    path("due/export/", views.due_export, name="due_export"),
    path("venue/<int:pk>/adjust/", views.adjust, name="adjust"),
    path("venue/<int:pk>/plaque/", views.plaque, name="plaque"),
]
