from django.urls import path

from . import views

app_name = "venues"
urlpatterns = [
    path("", views.venue_list, name="list"),
    path("new/", views.venue_new, name="new"),
    path("export/", views.venue_export, name="export"),
    path("map/", views.venue_map, name="map"),
    path("<int:pk>/", views.venue_detail, name="detail"),
    path("<int:pk>/edit/", views.venue_edit, name="edit"),
    path("<int:pk>/poster/", views.venue_poster, name="poster"),
    path("<int:pk>/rotate-token/", views.venue_rotate, name="rotate_token"),
]
