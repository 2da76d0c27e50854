from django.urls import path, re_path

from newsroom.stories import views
from newsroom.stories.feeds import AtomCorrectionsFeed, AtomLatestNewsFeed, CorrectionsFeed, LatestNewsFeed

app_name = "stories"
urlpatterns = [
    path("", views.NewsListView.as_view(), name="list"),
    path("feed/", LatestNewsFeed(), name="feed"),
    path("feed/atom/", AtomLatestNewsFeed(), name="feed-atom"),
    path("tag/<slug:slug>/", views.NewsListView.as_view(), name="tag"),
    path("tag/<slug:slug>/feed/", LatestNewsFeed(), name="tag-feed"),
    path("tag/<slug:slug>/feed/atom/", AtomLatestNewsFeed(), name="tag-feed-atom"),
    path("label/<slug:label>/", views.NewsListView.as_view(), name="label"),
    # A writer's name keeps its accents (models.byline_slug): a slug of any letters, not ASCII only.
    re_path(r"^by/(?P<byline>[-\w]+)/\Z", views.NewsListView.as_view(), name="byline"),
    # Before the stories' own addresses: no story may take these (models.RESERVED_SLUGS).
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("corrections/feed/", CorrectionsFeed(), name="corrections-feed"),
    path("corrections/feed/atom/", AtomCorrectionsFeed(), name="corrections-feed-atom"),
    path("preview/<int:pk>/", views.story_preview, name="preview"),
    path("preview/link/<str:token>/", views.reviewer_preview, name="reviewer-preview"),
    path("preview/<int:pk>/changes/", views.changes_preview, name="preview-changes"),
    path("preview/changes/<str:token>/", views.changes_reviewer_preview, name="reviewer-preview-changes"),
    path("<slug:slug>/", views.story_detail, name="detail"),
]
