from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "newsroom.feedback"
    verbose_name = "Accessibility and reader feedback"
