"""A student's pages (*My courses*, booking, cancelling, certificates) and the College admin's
(students, enrolment on someone's behalf, bookings of a run, the College's student settings)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.rules import can, requires
from tandem.core import clock
from tandem.core.forms import add_service_errors

from . import outcomes, selectors, services
from .forms import AdminBookForm, BookForm, ConfirmForm, EnrolForm, SettingsForm

SECTION = "students"


# --- A student's own pages -----------------------------------------------------------------------


@require_GET
@requires("view_my_courses")
def my_courses(request):
    student, bookings, certificates = selectors.my_courses(request.user)
    live = [b for b in bookings if b.status != "cancelled" and b.run.status not in ("completed", "cancelled")]
    past = [b for b in bookings if b not in live]
    outcomes.dress_bookings(student, bookings, clock.today(request.user))
    return render(
        request,
        "students/my_courses.jinja",
        {
            "title": "My courses",
            "section": "my_courses",
            "student": student,
            "live": live,
            "past": past,
            "certificates": certificates,
            "college": student.college,
            "today": clock.today(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("book_courses")
def book(request, pk):
    student = selectors.student_of(request.user)
    run = selectors.bookable_run(request.user, pk)
    form = BookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_create(
                actor=request.user, student=student, run=run, waiting_list=form.cleaned_data["waiting_list"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            selectors.dress(run)
        else:
            if booking.status == "waiting":
                messages.success(
                    request,
                    f"You are on the waiting list for {run.course.title}. If a place frees, "
                    f"it is yours and we will email you.",
                )
            else:
                messages.success(
                    request, f"Your place on {run.course.title} is booked. We have emailed you the details."
                )
            return redirect("students:my_courses")
    return render(
        request,
        "students/book.jinja",
        {
            "title": f"Book {run.course.title}",
            "section": "my_courses",
            "run": run,
            "form": form,
            "sessions": list(run.sessions.order_by("date")),
            "college": student.college,
        },
    )


@require_http_methods(["GET", "POST"])
def cancel(request, pk):
    """A student cancels their own booking; a College admin any booking of the College."""
    if not (can(request.user, "book_courses") or can(request.user, "manage_students")):
        raise PermissionDenied
    booking = selectors.booking_for(request.user, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    own = booking.student.user_id == request.user.pk
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_cancel(actor=request.user, booking=booking)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The booking for {booking.run.course.title} is cancelled.")
            return redirect("students:my_courses" if own else "students:detail", *([] if own else [booking.student_id]))
    return render(
        request,
        "students/cancel.jinja",
        {
            "title": f"Cancel your booking for {booking.run.course.title}" if own else "Cancel a booking",
            "section": "my_courses" if own else SECTION,
            "booking": booking,
            "form": form,
            "own": own,
        },
    )


@require_GET
def certificate_pdf(request, pk):
    from tandem.core.pdf import write_pdf  # noqa: PLC0415  WeasyPrint loads only when a PDF is asked for

    cert = selectors.certificate_for(request.user, pk)
    settings_row = services.settings_for(cert.student.college)
    html = render_to_string("students/certificate_pdf.jinja", {"c": cert, "rule": settings_row}, request=request)
    response = HttpResponse(write_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{cert.pk}.pdf"'
    return response


# --- The College admin's pages -------------------------------------------------------------------


@require_GET
@requires("manage_students")
def student_list(request):
    query = request.GET.get("q", "")[:100]
    page = Paginator(selectors.students_of(request.user, query), 50).get_page(request.GET.get("page"))
    return render(request, "students/list.jinja", {"title": "Students", "section": SECTION, "page": page, "q": query})


@require_http_methods(["GET", "POST"])
@requires("manage_students")
def enrol(request):
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            student = services.student_enrol(actor=request.user, college=request.user.college, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{student.full_name} is enrolled"
                + (f": we have emailed {student.email} a link to set a password." if student.user_id else "."),
            )
            return redirect("students:detail", pk=student.pk)
    return render(request, "students/enrol.jinja", {"title": "Enrol a student", "section": SECTION, "form": form})


@require_GET
@requires("manage_students")
def student_detail(request, pk):
    student = selectors.student_for(request.user, pk)
    bookings = student.bookings.select_related("run__course", "run__term").order_by("-created_at")
    return render(
        request,
        "students/detail.jinja",
        {
            "title": student.full_name,
            "section": SECTION,
            "student": student,
            "bookings": bookings,
            "adjustments": selectors.adjustments_read(request.user, student),
            "certificates": student.certificates.select_related("run__course", "run__term"),
            "book_form": AdminBookForm(runs=selectors.prospectus_runs(request.user.college)),
            "attended": student.attendances.count(),
            **outcomes.paper_context(student),
        },
    )


@require_POST
@requires("manage_students")
def book_for(request, pk):
    student = selectors.student_for(request.user, pk)
    form = AdminBookForm(request.POST, runs=selectors.prospectus_runs(request.user.college))
    if form.is_valid():
        try:
            booking = services.booking_create(
                actor=request.user,
                student=student,
                run=form.cleaned_data["run"],
                waiting_list=form.cleaned_data["waiting_list"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"{student.full_name} is {booking.get_status_display().lower()} for {booking.run.course.title}.",
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("students:detail", pk=student.pk)


@require_GET
@requires("manage_students")
def run_bookings(request, pk):
    run = selectors.run_for_admin(request.user, pk)
    bookings = selectors.run_bookings(run)
    return render(
        request,
        "students/run_bookings.jinja",
        {
            "title": f"Students of {run.course.title}",
            "section": "timetable",
            "run": run,
            "booked": [b for b in bookings if b.status == "booked"],
            "waiting": [b for b in bookings if b.status == "waiting"],
        },
    )


@require_http_methods(["GET", "POST"])
@requires("manage_student_settings")
def student_settings(request):
    college = request.user.college
    row = services.settings_for(college)
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "runs_per_term": row.runs_per_term,
            "certificate_numerator": row.certificate_numerator,
            "certificate_denominator": row.certificate_denominator,
            "swemwbs_enabled": row.swemwbs_enabled,
            "qpr_enabled": row.qpr_enabled,
            "feedback_enabled": row.feedback_enabled,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=request.user, college=college, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The student settings are saved.")
            return redirect("students:list")
    return render(request, "students/settings.jinja", {"title": "Student settings", "section": SECTION, "form": form})
