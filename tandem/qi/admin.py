from django.contrib import admin

from tandem.accounts.admin_site import ReadOnlyAdmin

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

admin.site.register(
    [
        QIProject,
        Aim,
        TeamMember,
        ProgressScore,
        Driver,
        ChangeIdea,
        PDSACycle,
        Annotation,
        MeasureChart,
        ManualMeasure,
        ManualValue,
        StakeholderEntry,
    ],
    ReadOnlyAdmin,
)
