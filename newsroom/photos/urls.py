from django.urls import path

from newsroom.photos import views

app_name = "photos"
urlpatterns = [
    path("<str:virin>/", views.photo_detail, name="detail"),
]
