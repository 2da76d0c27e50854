"""Readers' photo pages, /photos/<VIRIN>/: a photo as readers met it in published stories.

Here rather than in the photos app, which stands below stories and knows nothing of them.
"""

from django.urls import path

from newsroom.stories import views

app_name = "photos"
urlpatterns = [
    path("<str:virin>/", views.photo_detail, name="detail"),
    # What the copies' Content Credentials say, read and validated here (issue 20).
    path("<str:virin>/credentials/", views.photo_credentials, name="credentials"),
    # An embargoed photo's copies, for staff and reviewers (views.photo_copy); public ones are in MEDIA_URL.
    path("<str:virin>/copies/<str:key>", views.photo_copy, name="copy"),
]
