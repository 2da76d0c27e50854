"""Readers' photo pages, /photos/<VIRIN>/: a photo as readers met it in published stories.

Here rather than in the photos app, which stands below stories and knows nothing of them.
"""

from django.urls import path

from newsroom.stories import views

app_name = "photos"
urlpatterns = [
    path("<str:virin>/", views.photo_detail, name="detail"),
]
