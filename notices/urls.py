from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [path("<int:pk>/read/", views.mark_read, name="read")]
