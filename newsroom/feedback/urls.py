from django.urls import path

from newsroom.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.statement, name="statement"),
    path("feedback/", views.feedback, name="feedback"),
    path("feedback/thanks/", views.thanks, name="thanks"),
    path("helpful/", views.helpful, name="helpful"),
    path("helpful/thanks/", views.helpful_thanks, name="helpful-thanks"),
]
