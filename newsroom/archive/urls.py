from django.urls import path

from newsroom.archive import views

app_name = "archive"
urlpatterns = [
    path("", views.ArchiveView.as_view(), name="index"),
    path("<slug:slug>/", views.ArchiveView.as_view(), name="collection"),
]
