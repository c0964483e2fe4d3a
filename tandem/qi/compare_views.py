"""Compare Colleges: funnel plots of every College in this installation (aggregate counts only)
and the benchmarks the College imports (tandem.qi.compare)."""

import re
from datetime import date

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.accounts.rules import requires

from . import compare
from .models import Benchmark
from .values_csv import max_bytes

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month(value, hint):
    m = MONTH.match((value or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 <= int(m.group(1)) <= 2200:
        raise forms.ValidationError(hint)
    return date(int(m.group(1)), int(m.group(2)), 1)


class PeriodForm(forms.Form):
    start = forms.CharField(
        label="First month",
        help_text="For example 2018-12",
        error_messages={"required": "Enter the first month, like 2018-12"},
    )
    end = forms.CharField(
        label="Last month",
        help_text="For example 2019-11",
        error_messages={"required": "Enter the last month, like 2019-11"},
    )

    def clean_start(self):
        return _month(self.cleaned_data["start"], "Enter the first month as year and month, like 2018-12")

    def clean_end(self):
        return compare.month_end(
            _month(self.cleaned_data["end"], "Enter the last month as year and month, like 2019-11")
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The last month must be the same as or after the first month")
            elif (end.year - start.year) * 12 + end.month - start.month >= 120:
                self.add_error("end", "Choose a period of at most 10 years")
        return data


class BenchmarkUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns college, period, numerator, denominator and source; the first row holds the column names.",
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file you chose is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                f"The file must be smaller than {max_bytes() // 1024} KB (it is {upload.size // 1024} KB)"
            )
        return upload


@require_GET
@requires("view_compare_colleges")
def compare_colleges(request):
    college = request.user.college
    start, end = compare.default_period(college)
    form = PeriodForm(
        request.GET if "start" in request.GET or "end" in request.GET else None,
        initial={"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"},
    )
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return render(
        request,
        "qi/compare.jinja",
        {
            "title": "Compare Colleges",
            "section": "qi",
            "project": None,  # qi/_layout.jinja: a page outside any project
            "form": form,
            "period": compare.period_label(start, end),
            "results": compare.comparisons(college, start, end),
            "benchmark_periods": compare.benchmark_periods(college),
            "default_period": compare.default_period(college),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("import_benchmarks")
def benchmarks(request):
    college = request.user.college
    form = BenchmarkUploadForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        result = compare.import_benchmarks(data=form.cleaned_data["file"].read(), college=college, actor=request.user)
        if result.ok:
            messages.success(request, f"{result.count} benchmark{'' if result.count == 1 else 's'} imported")
            latest = compare.benchmark_periods(college)
            if latest:
                start, end = latest[0][0], latest[0][1]
                return redirect(f"{reverse('qi:compare')}?start={start:%Y-%m}&end={end:%Y-%m}")
            return redirect("qi:compare")
        errors = [str(e) for e in result.errors]
    rows = list(Benchmark.objects.filter(college=college).order_by("-period_end", "name"))
    return render(
        request,
        "qi/compare_benchmarks.jinja",
        {
            "title": "Import benchmarks",
            "section": "qi",
            "project": None,  # qi/_layout.jinja: a page outside any project
            "form": form,
            "row_errors": errors,
            "benchmarks": rows,
        },
        status=200,
    )
