from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "newsroom.notes"
    verbose_name = "Notes between writers and editors"
