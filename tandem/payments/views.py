import csv
from io import StringIO

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.rules import can, requires
from tandem.audit.services import record
from tandem.core.forms import add_service_errors
from tandem.core.params import parse_ids
from tandem.tutors.models import Tutor

from . import selectors, services
from .forms import (
    ChoiceForm,
    ExpenseForm,
    OnBehalfChoiceForm,
    PaymentFilterForm,
    PayPointForm,
    PayYearForm,
    PolicyForm,
    RateCardForm,
    StaffGradeForm,
    WorkLogForm,
)
from .models import Payment
from .parity import parity_page, parity_terms

SECTION = "payments"


def _page(request, template, title, **context):
    return render(request, f"payments/{template}.jinja", {"title": title, "section": SECTION, **context})


def _filtered(request, data):
    form = PaymentFilterForm(data or None, tutors=selectors.peer_tutors(request.user))
    qs = selectors.college_payments(request.user)
    if form.is_valid():
        qs = selectors.filter_payments(qs, **form.cleaned_data)
    return form, qs


def _back_to_list(request):
    query = QueryDict(request.POST.get("query", ""))
    return redirect(reverse("payments:list") + (f"?{query.urlencode()}" if query else ""))


# --- Payments (admin) -------------------------------------------------------------------------


@require_GET
@requires("view_payments")
def payment_list(request):
    form, qs = _filtered(request, request.GET)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        request,
        "list",
        "Payments",
        filter=form,
        page=page,
        totals=selectors.totals(qs),
        query=query.urlencode(),
        statuses=Payment.Status,
    )


@require_POST
@requires("manage_payments")
def generate(request):
    created = services.generate_payments(actor=request.user, college=request.user.college)
    messages.success(
        request,
        f"{created} new payment{'' if created == 1 else 's'} generated."
        if created
        else "No new payments: every delivered session and paid piece of work already has one.",
    )
    return redirect("payments:list")


def _selected(request):
    """The payments an action applies to: the ticked ones, or every one the filter shows."""
    if request.POST.get("scope") == "all":
        _form, qs = _filtered(request, QueryDict(request.POST.get("query", "")))
        return qs
    ids = parse_ids(request.POST.getlist("ids"))
    return selectors.college_payments(request.user).filter(pk__in=ids)


@require_POST
@requires("manage_payments")
def approve(request):
    count = services.approve_payments(actor=request.user, payments=_selected(request))
    messages.success(
        request,
        f"{count} payment{'' if count == 1 else 's'} approved."
        if count
        else "Nothing to approve: choose payments that are waiting for approval.",
    )
    return _back_to_list(request)


@require_POST
@requires("manage_payments")
def mark_paid(request):
    paid, skipped = services.mark_paid_many(actor=request.user, payments=_selected(request))
    text = f"{paid} payment{'' if paid == 1 else 's'} marked as paid."
    if skipped:
        text += f" {skipped} not marked: only approved payments can be marked as paid, once."
    messages.success(request, text)
    return _back_to_list(request)


@require_GET
@requires("manage_payments")
def export(request):
    """The payroll CSV of approved payments (as filtered). Cells that a spreadsheet would run as
    a formula are neutralised."""
    _form, qs = _filtered(request, request.GET)
    qs = qs.filter(status=Payment.Status.APPROVED).order_by("tutor__last_name", "tutor__first_name", "date", "id")
    buffer = StringIO()
    # Every cell quoted: a spreadsheet that separates with ";" keeps "a;b" as one cell.
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    count = -1
    for row in services.export_rows(qs):
        writer.writerow([services.neutralise(cell) for cell in row])
        count += 1
    record(
        actor=request.user,
        action="export",
        object_type=Payment._meta.label,
        fields=["amount", "tutor"],
        note=f"payroll CSV, {count} approved payments",
    )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="payroll-{request.user.college.slug}-{stamp}.csv"'
    return response


@require_GET
@requires("view_payments")
def payment_detail(request, pk):
    payment = selectors.payment_for(request.user, pk)
    return _page(request, "detail", f"Payment {payment.reference}", payment=payment)


@require_http_methods(["GET", "POST"])
@requires("manage_payments")
def choice_on_behalf(request, pk):
    payment = selectors.payment_for(request.user, pk)
    form = OnBehalfChoiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.choice_record(actor=request.user, payment=payment, on_behalf=True, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{payment.tutor.full_name}'s choice is recorded.")
            return redirect("payments:detail", pk=payment.pk)
    return _page(
        request, "choice", f"Record {payment.tutor.full_name}'s choice", form=form, payment=payment, on_behalf=True
    )


# --- My payments (tutor) ----------------------------------------------------------------------


@require_GET
@requires("view_own_payments")
def my_payments(request):
    tutor = selectors.own_tutor(request.user)
    payments = selectors.own_payments(request.user)
    page = Paginator(payments, 50).get_page(request.GET.get("page"))
    gross = payments.aggregate(total=Sum("amount"))["total"]
    expenses = selectors.own_expenses(request.user)[:50]
    return _page(request, "mine", "My payments", tutor=tutor, page=page, gross=gross, expenses=expenses)


@require_http_methods(["GET", "POST"])
@requires("view_own_payments")
def my_choice(request, pk):
    payment = selectors.own_payment_for(request.user, pk)
    form = ChoiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.choice_record(actor=request.user, payment=payment, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your choice is recorded.")
            return redirect("payments:mine")
    return _page(request, "choice", "Your choice about this payment", form=form, payment=payment, on_behalf=False)


# --- Rate cards, pay table, grades, policy ----------------------------------------------------


@require_GET
@requires("view_payments")
def rate_cards(request):
    return _page(request, "rate_cards", "Rate cards", cards=selectors.rate_cards(request.user))


@require_http_methods(["GET", "POST"])
@requires("manage_payments")
def rate_card_edit(request, pk=None):
    card = selectors.rate_card_for(request.user, pk) if pk else None
    form = RateCardForm(request.POST if request.method == "POST" else None, instance=card)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.rate_card_for(request.user, pk) if pk else None
        try:
            services.rate_card_save(actor=request.user, college=request.user.college, card=fresh, **form.card_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Rate card saved. Payments already made keep the rate they were made at.")
            return redirect("payments:rate_cards")
    title = f"Edit the rate card from {card.effective_from:%d %B %Y}" if card else "Add a rate card"
    return _page(request, "rate_card_form", title, form=form, card=card)


@require_GET
@requires("view_payments")
def pay_table(request):
    return _page(request, "pay_table", "Staff pay table", years=selectors.pay_years(request.user))


@require_http_methods(["GET", "POST"])
@requires("manage_payments")
def pay_year_edit(request, pk=None):
    year = selectors.pay_year_for(request.user, pk) if pk else None
    form = PayYearForm(request.POST if request.method == "POST" else None, instance=year)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.pay_year_for(request.user, pk) if pk else None
        try:
            saved = services.pay_year_save(
                actor=request.user, college=request.user.college, pay_year=fresh, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Pay year {saved.label} saved.")
            return redirect("payments:pay_year", pk=saved.pk)
    title = f"Edit pay year {year.label}" if year else "Add a pay year"
    return _page(request, "pay_year_form", title, form=form, year=year)


@require_http_methods(["GET", "POST"])
@requires("view_payments")
def pay_year(request, pk):
    year = selectors.pay_year_for(request.user, pk)
    form = PayPointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        # Adding a point changes the table: only those who manage payments may.
        if not can(request.user, "manage_payments"):
            raise PermissionDenied
        if form.is_valid():
            services.pay_point_save(actor=request.user, pay_year=year, **form.cleaned_data)
            messages.success(request, f"Band {form.cleaned_data['band']} point {form.cleaned_data['point']} saved.")
            return redirect("payments:pay_year", pk=year.pk)
    points = year.points.order_by("band", "point")
    return _page(request, "pay_year", f"Pay year {year.label}", year=year, points=points, form=form)


@require_http_methods(["GET", "POST"])
@requires("manage_payments")
def staff_grades(request):
    form = StaffGradeForm(
        request.POST if request.method == "POST" else None, staff=selectors.staff_tutors(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_grade_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Band recorded for {form.cleaned_data['tutor'].full_name}.")
            return redirect("payments:grades")
    return _page(
        request, "grades", "Staff tutors' pay bands", form=form, staff=selectors.staff_with_grades(request.user)
    )


@require_http_methods(["GET", "POST"])
@requires("manage_payments")
def policy(request):
    current = services.policy_for(request.user.college)
    form = PolicyForm(
        request.POST if request.method == "POST" else None,
        instance=current if current.pk else None,
        initial=None
        if current.pk
        else {"comparator": current.comparator, "prep_hours_per_session": current.prep_hours_per_session},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_save(actor=request.user, college=request.user.college, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Comparator policy saved.")
            return redirect("payments:policy")
    return _page(request, "policy", "Pay parity policy", form=form)


# --- Logged work and expenses -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires("manage_payments")
def work_logs(request):
    form = WorkLogForm(
        request.POST if request.method == "POST" else None,
        tutors=selectors.peer_tutors(request.user),
        runs=selectors.runs(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.work_log_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Hours logged. Generate payments to pay them if the rate card pays this activity."
            )
            return redirect("payments:work")
    page = Paginator(selectors.work_logs(request.user), 50).get_page(request.GET.get("page"))
    return _page(request, "work", "Logged work", form=form, page=page)


@require_http_methods(["GET", "POST"])
@requires("manage_payments")
def expenses(request):
    tutors = Tutor.objects.filter(college_id=request.user.college_id)
    form = ExpenseForm(request.POST if request.method == "POST" else None, tutors=tutors)
    if request.method == "POST" and form.is_valid():
        services.expense_create(actor=request.user, **form.cleaned_data)
        messages.success(request, "Expense recorded. Expenses are paid back separately and are never pay.")
        return redirect("payments:expenses")
    page = Paginator(selectors.expenses(request.user), 50).get_page(request.GET.get("page"))
    return _page(request, "expenses", "Expenses", form=form, page=page)


# --- Parity -----------------------------------------------------------------------------------


@require_GET
@requires("view_pay_parity")
def parity(request):
    college = request.user.college
    terms = parity_terms(college)
    term_id = request.GET.get("term", "")
    show = request.GET.get("show", "breaches")
    term = next((t for t in terms if str(t.pk) == term_id), None)
    # Worked out once per version of the College's records (cached): counts and the page shown.
    found = parity_page(college, term=term, show=show, page=request.GET.get("page"))
    return _page(request, "parity", "Pay parity check", terms=terms, term=term, show=show, **found)
