from django.contrib import admin

from .models import Course, CourseRun, Session


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "topic", "number_of_sessions", "status")
    list_filter = ("status", "college")
    filter_horizontal = ("co_producers",)


@admin.register(CourseRun)
class CourseRunAdmin(admin.ModelAdmin):
    list_display = ("course", "term", "weekday", "start_time", "status")
    list_filter = ("status", "term")
    filter_horizontal = ("tutors",)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("run", "date", "status", "peer_count", "staff_count")
    list_filter = ("status",)
    # The co-delivery counters are kept by the service; edit sessions through Tandem's pages.
    readonly_fields = ("peer_count", "staff_count")
