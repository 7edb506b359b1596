from django.urls import include, path

from readiness import views
from readiness.assessment import views as assessment
from readiness.command import views as command
from readiness.comms import views as comms
from readiness.gates import views as gates
from readiness.hazards import views as hazards
from readiness.timeline import views as timeline

app_name = "readiness"
urlpatterns = [
    path("", views.home, name="home"),
    path("timeline/", timeline.timeline, name="timeline"),
    path("milestones/<int:pk>/complete/", timeline.complete_milestone, name="complete_milestone"),
    path("groups/", assessment.groups, name="groups"),
    path("groups/<int:pk>/", assessment.group, name="group"),
    path("actions/<int:pk>/status/", assessment.action_status, name="action_status"),
    path("board/", assessment.board, name="board"),
    path("board.<str:fmt>", assessment.board_export, name="board_export"),
    path("criteria/<int:pk>/", assessment.criterion, name="criterion"),
    path("criteria/<int:pk>/evidence/", assessment.evidence_file, name="evidence_file"),
    path("gates/", gates.gates, name="gates"),
    path("gates/<int:pk>/", gates.gate, name="gate"),
    path("gates/<int:pk>/evidence/", gates.evidence_pack, name="evidence_pack"),
    path("hazards/", hazards.hazards, name="hazards"),
    path("hazards/new/", hazards.hazard_form, name="hazard_new"),
    path("hazards/<int:pk>/", hazards.hazard_form, name="hazard_edit"),
    path("hazards/<int:pk>/sign-off/", hazards.hazard_sign_off, name="hazard_sign_off"),
    path("hazards/<int:pk>/tickets/", hazards.hazard_tickets, name="hazard_tickets"),
    path("command/", command.command, name="command"),
    path("cells/<int:pk>/", command.cell, name="cell"),
    path("escalations/<int:pk>/", command.escalation, name="escalation"),
    path("sitreps/<int:pk>/", command.sitrep, name="sitrep"),
    path("comms/", comms.comms, name="comms"),
    path("comms/<int:pk>/status/", comms.comms_status, name="comms_status"),
    path("library/", include("readiness.library.urls")),
]

# The service desk's "raise a hazard" page belongs to the hazard log, but keeps its place
# and name in the desk's section: golive.urls adds these to the "support" namespace (the
# desk never imports readiness; readiness builds on the desk).
desk_urlpatterns = [
    path("tickets/<int:pk>/hazard/", hazards.raise_hazard, name="raise_hazard"),
]
