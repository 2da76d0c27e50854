"""Mounted under /admin/security/: the second factor's pages and django-otp-webauthn's ceremonies.

The key step and adding a key open to a session that has passed only the password (that is what
they are for); the person's overview is an admin view like any other."""

from django.contrib import admin
from django.urls import path
from django_otp_webauthn.views import BeginCredentialAuthenticationView, BeginCredentialRegistrationView

from newsroom.accounts import views

app_name = "security"

urlpatterns = [
    path("", admin.site.admin_view(views.overview), name="overview"),
    path("key/", views.key, name="key"),
    path("add-key/", views.add_key, name="add-key"),
    path("key/registration/begin/", BeginCredentialRegistrationView.as_view(), name="registration-begin"),
    path("key/registration/complete/", views.KeyAdded.as_view(), name="registration-complete"),
    path("key/authentication/begin/", BeginCredentialAuthenticationView.as_view(), name="authentication-begin"),
    path("key/authentication/complete/", views.KeyUsed.as_view(), name="authentication-complete"),
]
