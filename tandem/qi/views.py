from django.shortcuts import render
from django.views.decorators.http import require_GET

from tandem.accounts.rules import requires

from .charts import outcome_chart
from .measures import REGISTRY


@require_GET
@requires("view_measures")
def measures(request):
    college = request.user.college
    return render(request, "qi/measures.jinja", {
        "title": "Measures",
        "section": "qi",
        "outcome": outcome_chart(college),
        "measures": list(REGISTRY.values()),
    })
