from django.urls import path

from . import views

app_name = "appeals"
urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/withdraw/", views.appeal_withdraw, name="withdraw"),
    path("rating/<int:pk>/new/", views.appeal_new, name="new"),
    path("rating/<int:pk>/reply/", views.reply, name="reply"),
    path("venue/<int:pk>/revisit/", views.revisit_new, name="revisit_new"),
    path("revisits/<int:pk>/schedule/", views.revisit_schedule, name="revisit_schedule"),
]
