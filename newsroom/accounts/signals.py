"""What the security log hears from Django itself: sign-ins, and accounts and roles changing,
wherever that happens (the admin, a command, the shell)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from newsroom.accounts.security_log import record

User = get_user_model()
WATCHED = ("is_staff", "is_superuser", "is_active")


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    record("login", request=request, user=user)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    if user is not None:
        # A session that ran out (sessions.py) says which limit it reached: "idle" or "limit".
        ended = getattr(request, "session_ended", None)
        record("logout", request=request, user=user, **({"session_ended": ended} if ended else {}))


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    record("login", request=request, username=str(credentials.get("username", ""))[:150], outcome="failure")


@receiver(pre_save, sender=User)
def remember_status(sender, instance, update_fields=None, **kwargs):
    if instance.pk and (update_fields is None or set(update_fields) & set(WATCHED)):
        instance._status_before = User.objects.filter(pk=instance.pk).values(*WATCHED).first()


@receiver(post_save, sender=User)
def account_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        record("account-create", obj=instance, **{name: getattr(instance, name) for name in WATCHED})
        return
    before = getattr(instance, "_status_before", None) or {}
    changed = {
        name: [before[name], getattr(instance, name)] for name in before if before[name] != getattr(instance, name)
    }
    if changed == {"is_active": [True, False]}:
        record("deactivate", obj=instance)
    elif changed:
        record("account-change", obj=instance, changed=changed)


def _roles_changed(sender, instance, action, model, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    what = "roles" if model is Group or sender is User.groups.through else "permissions"
    names = sorted(str(item) for item in model.objects.filter(pk__in=pk_set or []))
    record("role-change", obj=instance, change=f"{action.removeprefix('post_')} {what}", items=names)


m2m_changed.connect(_roles_changed, sender=User.groups.through, dispatch_uid="security-log-user-groups")
m2m_changed.connect(_roles_changed, sender=User.user_permissions.through, dispatch_uid="security-log-user-perms")
m2m_changed.connect(_roles_changed, sender=Group.permissions.through, dispatch_uid="security-log-group-perms")
