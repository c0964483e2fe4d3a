from django.contrib import admin

from .models import QIProject

admin.site.register(QIProject)
