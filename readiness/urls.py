from django.urls import path

from readiness import views

app_name = "readiness"
urlpatterns = [
    path("", views.home, name="home"),
    path("timeline/", views.timeline, name="timeline"),
    path("milestones/<int:pk>/complete/", views.complete_milestone, name="complete_milestone"),
    path("groups/", views.groups, name="groups"),
    path("groups/<int:pk>/", views.group, name="group"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("board/", views.board, name="board"),
    path("board.<str:fmt>", views.board_export, name="board_export"),
    path("criteria/<int:pk>/", views.criterion, name="criterion"),
    path("criteria/<int:pk>/evidence/", views.evidence_file, name="evidence_file"),
    path("gates/", views.gates, name="gates"),
    path("gates/<int:pk>/", views.gate, name="gate"),
    path("gates/<int:pk>/evidence/", views.evidence_pack, name="evidence_pack"),
    path("hazards/", views.hazards, name="hazards"),
    path("hazards/new/", views.hazard_form, name="hazard_new"),
    path("hazards/<int:pk>/", views.hazard_form, name="hazard_edit"),
    path("hazards/<int:pk>/sign-off/", views.hazard_sign_off, name="hazard_sign_off"),
    path("hazards/<int:pk>/tickets/", views.hazard_tickets, name="hazard_tickets"),
    path("command/", views.command, name="command"),
    path("cells/<int:pk>/", views.cell, name="cell"),
    path("escalations/<int:pk>/", views.escalation, name="escalation"),
    path("sitreps/<int:pk>/", views.sitrep, name="sitrep"),
    path("comms/", views.comms, name="comms"),
    path("comms/<int:pk>/status/", views.comms_status, name="comms_status"),
]
