"""The readers' feedback form: what went wrong, the page, and an optional reply address. Nothing else."""

from django import forms
from django.core.validators import EmailValidator

from newsroom.feedback.models import MESSAGE_MAX_CHARS
from newsroom.feedback.protection import token_problem

PAGE_MAX_CHARS = 500
# The honeypot's name: a field programs like to fill and people never see (protection.py).
HONEYPOT = "website"


class FeedbackForm(forms.Form):
    page = forms.CharField(
        label="Page address (optional)",
        required=False,
        max_length=PAGE_MAX_CHARS,
        help_text="The page where you met the problem, for example its web address or its headline.",
        error_messages={"max_length": f"Keep the page address to {PAGE_MAX_CHARS} characters."},
    )
    problem = forms.CharField(
        label="What went wrong?",
        widget=forms.Textarea,
        help_text="Tell us what you were trying to do and what stopped you, and what you use to browse if it "
        f"matters (for example a screen reader). Up to {MESSAGE_MAX_CHARS:,} characters. Please leave out "
        "personal details such as your name, phone number or health.",
        error_messages={"required": "Tell us what went wrong."},
    )
    reply_to = forms.CharField(
        label="Email address for a reply (optional)",
        required=False,
        max_length=254,
        help_text="Only if you want an answer. We use it to reply to you and for nothing else.",
        error_messages={"max_length": "Enter an email address of at most 254 characters."},
    )
    website = forms.CharField(label="Leave this field empty", required=False)
    served = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_problem(self):
        problem = self.cleaned_data["problem"].strip()
        if not problem:
            raise forms.ValidationError("Tell us what went wrong.")
        if len(problem) > MESSAGE_MAX_CHARS:
            raise forms.ValidationError(f"Keep it to {MESSAGE_MAX_CHARS:,} characters: this has {len(problem):,}.")
        return problem

    def clean_reply_to(self):
        address = self.cleaned_data["reply_to"].strip()
        if address:
            try:
                EmailValidator()(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    "Enter an email address like name@example.com, or leave it empty."
                ) from None
        return address

    def clean(self):
        problem = token_problem(self.cleaned_data.get("served", ""))
        if problem:
            raise forms.ValidationError(problem, code="served")
        return self.cleaned_data

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT))
