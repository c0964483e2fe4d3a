"""Installs Tandem's admin site (`tandem.accounts.admin_site`) as Django's default: listed in
INSTALLED_APPS in place of "django.contrib.admin". Kept apart from admin_site.py, which imports
models and so cannot be loaded while the app registry is being built."""

from django.contrib.admin.apps import AdminConfig


class TandemAdminConfig(AdminConfig):
    default_site = "tandem.accounts.admin_site.TandemAdminSite"
