from django.contrib import admin

from .models import (
    Aim,
    Annotation,
    ChangeIdea,
    Driver,
    ManualMeasure,
    ManualValue,
    MeasureChart,
    PDSACycle,
    ProgressScore,
    QIProject,
    StakeholderEntry,
    TeamMember,
)

for model in (QIProject, Aim, TeamMember, ProgressScore, Driver, ChangeIdea, PDSACycle, Annotation, MeasureChart,
              ManualMeasure, ManualValue, StakeholderEntry):
    admin.site.register(model)
