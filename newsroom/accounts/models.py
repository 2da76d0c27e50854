from django.db import models


class SecurityEvent(models.Model):
    """One event of the security log (newsroom/accounts/security_log.py), kept so Site
    administrators can read recent ones in the admin; the JSON lines are the record operators keep.

    Names, not foreign keys: the log outlives the accounts and stories it mentions."""

    at = models.DateTimeField("time", db_index=True)
    action = models.CharField(max_length=40, db_index=True)
    outcome = models.CharField(max_length=20)
    user = models.CharField("user", max_length=150, blank=True, db_index=True)
    address = models.GenericIPAddressField("client address", null=True, blank=True)
    object = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "security event"
        verbose_name_plural = "security log events"

    def __str__(self):
        return f"{self.action} ({self.outcome})"
