from django.contrib import admin

from .models import College, Organisation, Room, Site, Term

admin.site.register([Organisation, College, Term, Site, Room])
