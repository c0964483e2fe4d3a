from django.contrib import admin

from tandem.accounts.admin_site import SetupAdmin

from .models import College, Organisation, Room, Site, Term

# What an operator sets a new College up with: add and change only, audited (see SetupAdmin).
admin.site.register([Organisation, College, Term, Site, Room], SetupAdmin)
