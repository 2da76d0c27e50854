"""The e-mail a notification sends: plain English, the story's headline, the reason where there is
one, and links to the story and to the person's notification settings in the admin."""

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage
from django.urls import reverse

from newsroom.core.addresses import on_site
from newsroom.core.apstyle import ap_datetime
from newsroom.desk.models import Kind, Notification


def name_of(user) -> str:
    if user is None:
        return "Newsroom"
    return user.get_full_name() or user.get_username()


def what_happened(notification: Notification) -> str:
    """One sentence, as the inbox shows it and the e-mail starts: "Alex Kim returned “Levee Holds” to draft."."""
    who, headline = name_of(notification.actor), f"“{notification.headline}”"
    return {
        Kind.SUBMITTED: f"{who} submitted {headline} for review.",
        Kind.RETURNED: f"{who} returned {headline} to draft.",
        Kind.PUBLISHED: f"{who} published {headline}.",
        Kind.SCHEDULED: f"{who} scheduled {headline} for {ap_datetime(notification.scheduled_for)}."
        if notification.scheduled_for
        else f"{who} scheduled {headline}.",
        Kind.WITHDRAWN: f"{who} withdrew {headline} from public view.",
        Kind.RETRACTED: f"{who} retracted {headline}.",
    }[Kind(notification.kind)]


SUBJECTS = {
    Kind.SUBMITTED: "For review",
    Kind.RETURNED: "Returned to draft",
    Kind.PUBLISHED: "Published",
    Kind.SCHEDULED: "Scheduled",
    Kind.WITHDRAWN: "Withdrawn",
    Kind.RETRACTED: "Retracted",
}
REASON_WORDS = {Kind.RETURNED: "What to do", Kind.WITHDRAWN: "Why", Kind.RETRACTED: "Why"}


def absolute(path: str) -> str:
    """An admin address as a link in an e-mail: on SITE_URL, or else on the site's domain."""
    address = on_site(path)
    if address.startswith("/"):
        scheme = "http" if settings.DEBUG else "https"
        address = f"{scheme}://{Site.objects.get_current().domain}{address}"
    return address


def message_for(notification: Notification) -> EmailMessage:
    lines = [f"Hello {name_of(notification.recipient)},", "", what_happened(notification)]
    if notification.reason:
        lines += ["", f"{REASON_WORDS.get(Kind(notification.kind), 'Reason')}: {notification.reason}"]
    lines += [
        "",
        f"Open the story: {absolute(reverse('admin:stories_story_change', args=[notification.story_id]))}",
        "",
        "--",
        f"{settings.SITE_NAME} sends this because “{notification.get_kind_display()}” is on in your notification "
        f"settings: {absolute(reverse('admin:desk_notification_preferences'))}",
    ]
    return EmailMessage(
        subject=f"{SUBJECTS[Kind(notification.kind)]}: {notification.headline}",
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email_to],
    )
