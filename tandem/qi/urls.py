from django.urls import path

from . import compare_views, fidelity_views, measure_views, views

app_name = "qi"

# Simple objects of a project: (kind, URL segment). Each has add, edit and delete (POST only).
CHILD_URLS = (
    ("aim", "aims"),
    ("member", "team"),
    ("driver", "drivers"),
    ("idea", "ideas"),
    ("annotation", "annotations"),
    ("stakeholder", "stakeholders"),
)

urlpatterns = [
    path("measures/", views.measures, name="measures"),
    path("compare/", compare_views.compare_colleges, name="compare"),
    path("compare/benchmarks/", compare_views.benchmarks, name="compare_benchmarks"),
    path("fidelity/", fidelity_views.fidelity_list, name="fidelity"),
    path("fidelity/new/", fidelity_views.fidelity_add, name="fidelity_add"),
    path("fidelity/<int:item>/edit/", fidelity_views.fidelity_edit, name="fidelity_edit"),
    path("", views.home, name="home"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project, name="project"),
    path("<int:pk>/charter/", views.charter_edit, name="charter_edit"),
    path("<int:pk>/progress/new/", views.score_add, name="score_add"),
    path("<int:pk>/drivers/", views.drivers, name="drivers"),
    path("<int:pk>/pdsa/", views.cycles, name="cycles"),
    path("<int:pk>/pdsa/new/", views.cycle_add, name="cycle_add"),
    path("<int:pk>/pdsa/<int:item>/", views.cycle, name="cycle"),
    path("<int:pk>/pdsa/<int:item>/edit/", views.cycle_edit, name="cycle_edit"),
    path("<int:pk>/pdsa/<int:item>/delete/", views.cycle_delete, name="cycle_delete"),
    path("<int:pk>/measures/", measure_views.project_measures, name="project_measures"),
    path("<int:pk>/measures/new/", measure_views.manual_add, name="manual_add"),
    path("<int:pk>/measures/<slug:key>/", measure_views.measure, name="measure"),
    path("<int:pk>/measures/<slug:key>/chart/", measure_views.measure_chart, name="measure_chart"),
    path("<int:pk>/measures/<slug:key>/edit/", measure_views.manual_edit, name="manual_edit"),
    path("<int:pk>/measures/<slug:key>/delete/", measure_views.manual_delete, name="manual_delete"),
    path("<int:pk>/measures/<slug:key>/values/", measure_views.manual_values, name="manual_values"),
    path(
        "<int:pk>/measures/<slug:key>/values/paste/", measure_views.manual_import, {"how": "paste"}, name="manual_paste"
    ),
    path(
        "<int:pk>/measures/<slug:key>/values/upload/",
        measure_views.manual_import,
        {"how": "upload"},
        name="manual_upload",
    ),
    path("<int:pk>/annotations/", views.annotations, name="annotations"),
    path("<int:pk>/stakeholders/", views.stakeholders, name="stakeholders"),
    path("<int:pk>/report/", views.report_page, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
]
for kind, segment in CHILD_URLS:
    urlpatterns += [
        path(f"<int:pk>/{segment}/new/", views.child_add, {"kind": kind}, name=f"{kind}_add"),
        path(f"<int:pk>/{segment}/<int:item>/edit/", views.child_edit, {"kind": kind}, name=f"{kind}_edit"),
        path(f"<int:pk>/{segment}/<int:item>/delete/", views.child_delete, {"kind": kind}, name=f"{kind}_delete"),
    ]
