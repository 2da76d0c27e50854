from django.urls import path

from newsroom.archive import views

app_name = "archive"
urlpatterns = [
    path("", views.ArchiveView.as_view(), name="index"),
    # Before the collection address: a collection's slug may not be all digits (see CollectionForm).
    path("<int:year>/", views.ArchiveView.as_view(), name="year"),
    path("<int:year>/<int:month>/", views.ArchiveView.as_view(), name="month"),
    path("<slug:slug>/", views.ArchiveView.as_view(), name="collection"),
]
