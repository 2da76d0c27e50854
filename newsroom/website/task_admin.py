"""The task queue as Site administrators read it: each piece of slow work, whether it waits, runs,
went or failed (with the error), and when it runs next. Read-only: the worker writes it."""

from django.contrib import admin
from django.utils.html import format_html
from django_tasks_db.models import DBTaskResult, get_date_max

from newsroom.core.apstyle import ap_datetime

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["what", "status", "queued", "runs", "finished", "error"]
    list_filter = ["status", "queue_name"]
    ordering = ["-enqueued_at"]
    search_fields = ["task_path", "exception_class_path"]
    fields = ["what", "status", "arguments", "queued", "runs", "started", "finished", "error", "traceback_text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Task", ordering="task_path")
    def what(self, result):
        return result.task_path.rsplit(".", 1)[-1].replace("_", " ").capitalize()

    @admin.display(description="Arguments")
    def arguments(self, result):
        return ", ".join(
            [
                *map(repr, result.args_kwargs.get("args", [])),
                *(f"{k}={v!r}" for k, v in result.args_kwargs.get("kwargs", {}).items()),
            ]
        )

    @admin.display(description="Queued", ordering="enqueued_at")
    def queued(self, result):
        return ap_datetime(result.enqueued_at)

    @admin.display(description="Runs after", ordering="run_after")
    def runs(self, result):
        return "As soon as a worker is free" if result.run_after == get_date_max() else ap_datetime(result.run_after)

    @admin.display(description="Started")
    def started(self, result):
        return ap_datetime(result.started_at)

    @admin.display(description="Finished", ordering="finished_at")
    def finished(self, result):
        return ap_datetime(result.finished_at)

    @admin.display(description="Error")
    def error(self, result):
        return result.exception_class_path.rsplit(".", 1)[-1]

    @admin.display(description="Traceback")
    def traceback_text(self, result):
        return format_html("<pre>{}</pre>", result.traceback) if result.traceback else "—"
