"""Who may do what, route by route: the authorisation matrix as data.

Every named route (``namespace:name``, as ``reverse`` takes it) has one row: for each HTTP
method it accepts, the outcome each role gets when it asks for the route with URL values
naming ward A's objects (Ward 7B, the demo ward manager's ward; see tests/authz/world.py).
A method absent from a row must answer 405. ``tests/authz/test_matrix.py`` checks the rows
against the URL resolver and against real responses.

Outcomes: OK (2xx, a redirect other than to sign-in, or 400: past authorisation, the empty
payload refused), DENIED (403), HIDDEN (404), LOGIN (redirect to sign-in, or 401 from the
API), METHOD (405). Write rows with ``expect`` and the family shorthands below; a new route
usually needs one line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

OK = "ok"
DENIED = "403"
HIDDEN = "404"
LOGIN = "login"
METHOD = "405"
ERROR = "error"  # a 5xx or anything else: never expected

ANONYMOUS = "anonymous"
PM = "pm"
CHAIR = "chair"
CSO = "cso"
WARD_MANAGER = "ward_manager"
TRAINING_LEAD = "training_lead"
DESK = "desk"
CHAMPION = "champion"
EXECUTIVE = "executive"
ADMIN = "admin"
SIGNED_IN = (PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, EXECUTIVE, ADMIN)
ROLES = (ANONYMOUS, *SIGNED_IN)
OUTCOMES = frozenset({OK, DENIED, HIDDEN, LOGIN, METHOD})

Expect = Mapping[str, str]  # role -> outcome
Row = Mapping[str, Expect]  # HTTP method -> what each role gets


def expect(
    allowed: Iterable[str] = (),
    *,
    others: str = DENIED,
    anonymous: str = LOGIN,
    overrides: Mapping[str, str] | None = None,
) -> Expect:
    """``allowed`` roles get OK, other signed-in roles ``others``, anonymous ``anonymous``;
    ``overrides`` names the exceptions."""
    allowed = tuple(allowed)
    table = {role: OK if role in allowed else others for role in SIGNED_IN}
    table[ANONYMOUS] = OK if ANONYMOUS in allowed else anonymous
    table.update(overrides or {})
    return table


# A read-only user's unsafe requests are refused before the view looks the object up
# (golive.middleware.ReadOnlyUsersMiddleware).
READ_ONLY_REFUSED = {EXECUTIVE: DENIED}

# Roles that do not reach the command-and-control pages at all.
NO_COMMAND_SECTION = {WARD_MANAGER: DENIED, TRAINING_LEAD: DENIED, DESK: DENIED, CHAMPION: DENIED}

# Families: the usual shapes, so most rows are one line.
EVERY_SIGNED_IN = expect(SIGNED_IN)
PUBLIC = expect((ANONYMOUS, *SIGNED_IN))
# The API answers anonymous callers 403 (session authentication comes first) and refuses
# writes on read-only endpoints with 403 before looking for a handler.
API_SIGNED_IN = expect(SIGNED_IN, anonymous=DENIED)
API_NOBODY = expect(anonymous=DENIED)
PAGE: Row = {"GET": EVERY_SIGNED_IN}  # a page or export every signed-in role may read
API_READ: Row = {  # an API list or detail, its rows scoped by Access
    "GET": API_SIGNED_IN,
    "POST": API_NOBODY,
    "PUT": API_NOBODY,
    "PATCH": API_NOBODY,
    "DELETE": API_NOBODY,
}

# Unsafe requests that touch only the caller's own session or answer a survey reached by a
# link, not the trust's data; the executive test lets executives make them.
NOT_DATA_WRITES: Mapping[str, str] = {
    "login": "signing in",
    "logout": "signing out",
    "switch_go_live": "choosing the go-live to look at, kept in the session",
    "adoption:survey_answer": "the anonymous staff survey: anyone with the link answers",
    "support:survey": "a reporter's satisfaction survey, reached by a signed link",
}

# Unsafe methods are sent with an empty payload, so OK there means "got past authorisation"
# (a form re-rendered with messages, a 400, a redirect): services refuse a valid payload
# from a role without the capability, which the apps' own tests cover.
POLICY: Mapping[str, Row] = {
    # Added this session (programme dashboard, cells and escalations, notices, gaps, scope
    # changes and confidence over the API); outcomes read against the views' own checks.
    "adoption:programme_dashboard": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:programme_export": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:drill_down": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:programme_board_pack": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:drill_down_area": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:metric_delete": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "readiness:cell": {
        "GET": expect((PM, CHAIR, CSO, EXECUTIVE, ADMIN)),
        "POST": expect((PM, CHAIR, CSO, ADMIN)),
    },
    "readiness:escalation": {
        "GET": expect(others=HIDDEN, overrides=NO_COMMAND_SECTION),
        "POST": expect(others=HIDDEN, overrides={**NO_COMMAND_SECTION, **READ_ONLY_REFUSED}),
    },
    "support:notice_seen": {"POST": expect(SIGNED_IN, overrides=READ_ONLY_REFUSED)},
    "support:raise_hazard": {"GET": expect((CSO, ADMIN)), "POST": expect((CSO, ADMIN))},
    "readiness-cell-list": {"GET": API_SIGNED_IN, "POST": expect((PM, ADMIN), anonymous=DENIED)},
    "readiness-cell-detail": {
        "GET": expect(
            SIGNED_IN, anonymous=DENIED, overrides={WARD_MANAGER: HIDDEN, CHAMPION: HIDDEN}
        ),
        "PUT": expect((PM, ADMIN), anonymous=DENIED),
    },
    "readiness-escalation-list": {"GET": API_SIGNED_IN},
    "readiness-escalation-detail": {
        "GET": expect(
            SIGNED_IN, anonymous=DENIED, overrides={WARD_MANAGER: HIDDEN, CHAMPION: HIDDEN}
        )
    },
    "readiness-escalation-step-up": {
        "POST": expect(
            (PM, ADMIN), anonymous=DENIED, overrides={WARD_MANAGER: HIDDEN, CHAMPION: HIDDEN}
        )
    },
    "readiness-group-meetings": {
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN), anonymous=DENIED)
    },
    "readiness-group-actions": {
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN), anonymous=DENIED)
    },
    "readiness-group-action-status": {
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN), anonymous=DENIED)
    },
    "readiness-hazard-sign-off": {"POST": expect((CSO, ADMIN), anonymous=DENIED)},
    "training-confidence-check-list": {
        "POST": expect(SIGNED_IN, anonymous=DENIED, overrides=READ_ONLY_REFUSED)
    },
    "training-go-live-gaps": {"GET": API_SIGNED_IN},
    "training-scope-change-list": {
        "GET": API_SIGNED_IN,
        "POST": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-scope-change-detail": {
        "GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN), others=HIDDEN, anonymous=DENIED),
        "DELETE": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training:confidence_csv": {
        "GET": expect((PM, CHAIR, WARD_MANAGER, TRAINING_LEAD, CHAMPION, EXECUTIVE, ADMIN))
    },
    "training:confidence_xlsx": {
        "GET": expect((PM, CHAIR, WARD_MANAGER, TRAINING_LEAD, CHAMPION, EXECUTIVE, ADMIN))
    },
    "training:gaps_csv": {
        "GET": expect((PM, CHAIR, WARD_MANAGER, TRAINING_LEAD, CHAMPION, EXECUTIVE, ADMIN))
    },
    "training:gaps_xlsx": {
        "GET": expect((PM, CHAIR, WARD_MANAGER, TRAINING_LEAD, CHAMPION, EXECUTIVE, ADMIN))
    },
    "admin:index": {
        "GET": expect((ADMIN,), others=LOGIN),
        "POST": expect((ADMIN,), others=LOGIN, overrides=READ_ONLY_REFUSED),
        "PUT": expect((ADMIN,), others=LOGIN, overrides=READ_ONLY_REFUSED),
        "PATCH": expect((ADMIN,), others=LOGIN, overrides=READ_ONLY_REFUSED),
        "DELETE": expect((ADMIN,), others=LOGIN, overrides=READ_ONLY_REFUSED),
    },
    "adoption:area": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:batch": {
        "GET": expect((PM, ADMIN), others=HIDDEN, overrides={DESK: DENIED, CHAMPION: DENIED})
    },
    "adoption:before_after": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:board_pack": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:builtin_profile_export": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:commit_valid_rows": {
        "POST": expect(
            (PM, ADMIN),
            others=HIDDEN,
            overrides={DESK: DENIED, CHAMPION: DENIED, EXECUTIVE: DENIED},
        )
    },
    "adoption:dashboard": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:error_report": {
        "GET": expect((PM, ADMIN), others=HIDDEN, overrides={DESK: DENIED, CHAMPION: DENIED})
    },
    "adoption:export": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:feedback": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:home": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:imports": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:marker_delete": {"POST": expect((PM, ADMIN))},
    "adoption:marker_edit": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:marker_new": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:markers": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:metric_edit": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:metric_new": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:metrics": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:not_yet_using": {"GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN))},
    "adoption:profile_edit": {
        "GET": expect((PM, ADMIN), overrides={CHAIR: HIDDEN, CSO: HIDDEN, EXECUTIVE: HIDDEN}),
        "POST": expect((PM, ADMIN), overrides={CHAIR: HIDDEN, CSO: HIDDEN}),
    },
    "adoption:profile_export": {
        "GET": expect(
            (PM, WARD_MANAGER, TRAINING_LEAD, ADMIN),
            others=HIDDEN,
            overrides={DESK: DENIED, CHAMPION: DENIED},
        )
    },
    "adoption:profile_import": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:profile_new": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:profiles": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN))
    },
    "adoption:response_tag": {
        "POST": expect(others=HIDDEN, overrides={DESK: DENIED, CHAMPION: DENIED, EXECUTIVE: DENIED})
    },
    "adoption:survey_answer": {"GET": PUBLIC, "POST": PUBLIC},
    "adoption:survey_open": {"POST": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, ADMIN))},
    "adoption:survey_thanks": {"GET": PUBLIC},
    "adoption:survey_toggle": {
        "POST": expect(others=HIDDEN, overrides={DESK: DENIED, CHAMPION: DENIED, EXECUTIVE: DENIED})
    },
    "adoption:theme_save": {"POST": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, ADMIN))},
    "adoption:upload": {
        "GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN)),
        "POST": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN)),
    },
    "api-comparison": API_READ,
    "api-docs": {"GET": API_SIGNED_IN},
    "api-feedback-scores": API_READ,
    "api-me": API_READ,
    "api-root": API_READ,
    "api-schema": {"GET": API_SIGNED_IN},
    "area-detail": API_READ,
    "area-list": API_READ,
    "champions:accept": {
        "GET": EVERY_SIGNED_IN,
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN)),
    },
    "champions:add_pattern": {
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN))
    },
    "champions:answer_cover": {
        "GET": EVERY_SIGNED_IN,
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN)),
    },
    "champions:ask_cover": {"GET": EVERY_SIGNED_IN, "POST": expect((PM, WARD_MANAGER, ADMIN))},
    "champions:cancel_assignment": {"POST": expect((PM, WARD_MANAGER, ADMIN))},
    "champions:cancel_cover": {"POST": expect((PM, WARD_MANAGER, ADMIN))},
    "champions:cell": PAGE,
    "champions:coverage": PAGE,
    "champions:designations_export": PAGE,
    "champions:fill": {
        "GET": expect((PM, WARD_MANAGER, ADMIN)),
        "POST": expect((PM, WARD_MANAGER, ADMIN)),
    },
    "champions:home": PAGE,
    "champions:nominate": {
        "GET": expect((PM, WARD_MANAGER, ADMIN)),
        "POST": expect((PM, WARD_MANAGER, ADMIN)),
    },
    "champions:remove_pattern": {"POST": expect((PM, WARD_MANAGER, ADMIN))},
    "champions:roster": PAGE,
    "champions:roster_export": PAGE,
    "champions:target": {
        "GET": expect((PM, WARD_MANAGER, ADMIN), others=HIDDEN),
        "POST": expect((PM, WARD_MANAGER, ADMIN), others=HIDDEN, overrides=READ_ONLY_REFUSED),
    },
    "champions:withdraw": {
        "GET": EVERY_SIGNED_IN,
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN)),
    },
    "change-marker-detail": {
        "GET": expect(
            (PM, CHAIR, CSO, TRAINING_LEAD, DESK, EXECUTIVE, ADMIN), others=HIDDEN, anonymous=DENIED
        ),
        "PUT": expect((PM, ADMIN), anonymous=DENIED),
        "PATCH": expect((PM, ADMIN), anonymous=DENIED),
        "DELETE": expect((PM, ADMIN), anonymous=DENIED),
    },
    "change-marker-list": {"GET": API_SIGNED_IN, "POST": expect((PM, ADMIN), anonymous=DENIED)},
    "cover-request-accept": {"POST": expect((PM, WARD_MANAGER, ADMIN), anonymous=DENIED)},
    "cover-request-cancel": {"POST": expect((PM, WARD_MANAGER, ADMIN), anonymous=DENIED)},
    "cover-request-detail": {"GET": API_SIGNED_IN},
    "cover-request-list": {
        "GET": API_SIGNED_IN,
        "POST": expect((PM, WARD_MANAGER, ADMIN), anonymous=DENIED),
    },
    "coverage-list": API_READ,
    "designation-accept": {"POST": expect((PM, WARD_MANAGER, ADMIN), anonymous=DENIED)},
    "designation-detail": {"GET": API_SIGNED_IN},
    "designation-list": {
        "GET": API_SIGNED_IN,
        "POST": expect((PM, WARD_MANAGER, ADMIN), anonymous=DENIED),
    },
    "designation-withdraw": {"POST": expect((PM, WARD_MANAGER, ADMIN), anonymous=DENIED)},
    "go-live-detail": API_READ,
    "go-live-list": API_READ,
    "healthz": {"GET": PUBLIC},
    "home": PAGE,
    "import-batch-commit-valid-rows": {
        "POST": expect(
            (PM, ADMIN), anonymous=DENIED, overrides={WARD_MANAGER: HIDDEN, TRAINING_LEAD: HIDDEN}
        )
    },
    "import-batch-detail": {"GET": expect((PM, ADMIN), others=HIDDEN, anonymous=DENIED)},
    "import-batch-issues": {"GET": expect((PM, ADMIN), others=HIDDEN, anonymous=DENIED)},
    "import-batch-list": {
        "GET": API_SIGNED_IN,
        "POST": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "login": {
        "GET": PUBLIC,
        "POST": PUBLIC,
        "PUT": PUBLIC,
        "PATCH": expect(SIGNED_IN, anonymous=METHOD),
        "DELETE": expect(SIGNED_IN, anonymous=METHOD),
    },
    "logout": {"POST": expect(others=LOGIN)},
    "mapping-profile-detail": {
        "GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN), others=HIDDEN, anonymous=DENIED),
        "PUT": expect((PM, ADMIN), anonymous=DENIED),
        "PATCH": expect((PM, ADMIN), anonymous=DENIED),
        "DELETE": expect((PM, ADMIN), anonymous=DENIED),
    },
    "mapping-profile-list": {"GET": API_SIGNED_IN, "POST": expect((PM, ADMIN), anonymous=DENIED)},
    "metric-detail": {
        "GET": API_SIGNED_IN,
        "PUT": expect((PM, ADMIN), anonymous=DENIED),
        "PATCH": expect((PM, ADMIN), anonymous=DENIED),
        "DELETE": expect((PM, ADMIN), anonymous=DENIED),
    },
    "metric-list": {"GET": API_SIGNED_IN, "POST": expect((PM, ADMIN), anonymous=DENIED)},
    "metric-series": {"GET": API_SIGNED_IN},
    "readiness-comms-detail": {"GET": API_SIGNED_IN, "PUT": expect((PM, ADMIN), anonymous=DENIED)},
    "readiness-comms-list": {"GET": API_SIGNED_IN, "POST": expect((PM, ADMIN), anonymous=DENIED)},
    "readiness-criterion-assess": {
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN), anonymous=DENIED)
    },
    "readiness-criterion-detail": {"GET": API_SIGNED_IN},
    "readiness-criterion-list": {"GET": API_SIGNED_IN},
    "readiness-engagement-event-detail": API_READ,
    "readiness-engagement-event-list": API_READ,
    "readiness-gate-detail": {"GET": API_SIGNED_IN},
    "readiness-gate-evidence-pack": {
        "GET": expect(
            (PM, CHAIR, CSO, TRAINING_LEAD, DESK, EXECUTIVE, ADMIN), others=HIDDEN, anonymous=DENIED
        )
    },
    "readiness-gate-list": {"GET": API_SIGNED_IN},
    "readiness-gate-sign-off": {"POST": expect((PM, CHAIR, CSO, ADMIN), anonymous=DENIED)},
    "readiness-group-detail": {"GET": API_SIGNED_IN},
    "readiness-group-list": {
        "GET": API_SIGNED_IN,
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN), anonymous=DENIED),
    },
    "readiness-hazard-detail": {
        "GET": API_SIGNED_IN,
        "PUT": expect((CSO, ADMIN), anonymous=DENIED),
    },
    "readiness-hazard-list": {"GET": API_SIGNED_IN, "POST": expect((CSO, ADMIN), anonymous=DENIED)},
    "readiness-milestone-detail": {
        "GET": API_SIGNED_IN,
        "PUT": expect((PM, ADMIN), anonymous=DENIED),
    },
    "readiness-milestone-list": {
        "GET": API_SIGNED_IN,
        "POST": expect((PM, ADMIN), anonymous=DENIED),
    },
    "readiness-sitrep-detail": {
        "GET": expect(
            (PM, CHAIR, CSO, TRAINING_LEAD, DESK, EXECUTIVE, ADMIN), others=HIDDEN, anonymous=DENIED
        ),
        "POST": API_NOBODY,
        "PUT": API_NOBODY,
        "PATCH": API_NOBODY,
        "DELETE": API_NOBODY,
    },
    "readiness-sitrep-list": API_READ,
    "readiness:action_status": {"POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN))},
    "readiness:board": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN)),
        "POST": expect((PM, ADMIN)),
    },
    "readiness:board_export": {"GET": expect((PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN))},
    "readiness:command": {
        "GET": expect((PM, CHAIR, CSO, EXECUTIVE, ADMIN)),
        "POST": expect((PM, CHAIR, CSO, ADMIN)),
    },
    "readiness:comms": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN)),
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN)),
    },
    "readiness:comms_status": {"POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN))},
    "readiness:complete_milestone": {"POST": expect((PM, ADMIN))},
    "readiness:criterion": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN)),
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN)),
    },
    "readiness:evidence_file": {"GET": expect((PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN))},
    "readiness:evidence_pack": {
        "GET": expect(
            others=HIDDEN, overrides={TRAINING_LEAD: DENIED, DESK: DENIED, CHAMPION: DENIED}
        )
    },
    "readiness:gate": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN)),
        "POST": expect((PM, CHAIR, CSO, ADMIN)),
    },
    "readiness:gates": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN)),
        "POST": expect((PM, ADMIN)),
    },
    "readiness:group": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN)),
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN)),
    },
    "readiness:groups": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN)),
        "POST": expect((PM, ADMIN)),
    },
    "readiness:hazard_edit": {"GET": expect((CSO, ADMIN)), "POST": expect((CSO, ADMIN))},
    "readiness:hazard_new": {"GET": expect((CSO, ADMIN)), "POST": expect((CSO, ADMIN))},
    "readiness:hazard_sign_off": {"POST": expect((CSO, ADMIN))},
    "readiness:hazard_tickets": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN)),
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN)),
    },
    "readiness:hazards": {"GET": expect((PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN))},
    "readiness:home": {"GET": expect((PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN))},
    "readiness:sitrep": {
        "GET": expect(
            others=HIDDEN,
            overrides={WARD_MANAGER: DENIED, TRAINING_LEAD: DENIED, DESK: DENIED, CHAMPION: DENIED},
        ),
        "POST": expect(
            others=HIDDEN,
            overrides={
                WARD_MANAGER: DENIED,
                TRAINING_LEAD: DENIED,
                DESK: DENIED,
                CHAMPION: DENIED,
            },
        ),
    },
    "readiness:timeline": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN)),
        "POST": expect((PM, ADMIN)),
    },
    "readyz": {"GET": PUBLIC},
    "shift-assignment-detail": {
        "GET": API_SIGNED_IN,
        "DELETE": expect((PM, WARD_MANAGER, ADMIN), anonymous=DENIED),
    },
    "shift-assignment-list": {
        "GET": API_SIGNED_IN,
        "POST": expect((PM, WARD_MANAGER, ADMIN), anonymous=DENIED),
    },
    "shift-detail": API_READ,
    "shift-list": API_READ,
    "staff-detail": {
        "GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN), others=HIDDEN, anonymous=DENIED),
        "POST": API_NOBODY,
        "PUT": API_NOBODY,
        "PATCH": API_NOBODY,
        "DELETE": API_NOBODY,
    },
    "staff-list": API_READ,
    "staff_export": {"GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN))},
    "staff_list": {"GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN))},
    "support:analytics": PAGE,
    "support:board": PAGE,
    "support:claim": {"POST": expect((PM, CSO, DESK, ADMIN))},
    "support:comment": {
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN))
    },
    "support:escalate": {
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN))
    },
    "support:escalate_ticket": {"POST": expect((PM, CSO, DESK, ADMIN))},
    "support:export_csv": PAGE,
    "support:export_xlsx": PAGE,
    "support:home": PAGE,
    "support:known_issue": PAGE,
    "support:known_issue_edit": {
        "GET": expect((PM, CSO, DESK, ADMIN)),
        "POST": expect((PM, CSO, DESK, ADMIN)),
    },
    "support:known_issue_fix": {"POST": expect((PM, CSO, DESK, ADMIN))},
    "support:known_issue_new": {
        "GET": expect((PM, CSO, DESK, ADMIN)),
        "POST": expect((PM, CSO, DESK, ADMIN)),
    },
    "support:known_issues": PAGE,
    "support:link_known_issue": {"POST": expect((PM, CSO, DESK, ADMIN))},
    "support:log": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN)),
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN)),
    },
    "support:log_suggestions": {
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN))
    },
    "support:queue": PAGE,
    "support:safety": PAGE,
    "support:status": {
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN))
    },
    "support:survey": {"GET": PUBLIC, "POST": PUBLIC},
    "support:ticket": PAGE,
    "support:triage": {
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN))
    },
    "switch_go_live": {"POST": EVERY_SIGNED_IN},
    "ticket-category-detail": API_READ,
    "ticket-category-list": API_READ,
    "ticket-claim": {"POST": expect((PM, CSO, DESK, ADMIN), anonymous=DENIED)},
    "ticket-comments": {
        "GET": API_SIGNED_IN,
        "POST": expect(
            (PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN), anonymous=DENIED
        ),
    },
    "ticket-detail": {
        "GET": API_SIGNED_IN,
        "PATCH": expect((PM, CSO, DESK, ADMIN), anonymous=DENIED),
    },
    "ticket-list": {
        "GET": API_SIGNED_IN,
        "POST": expect(
            (PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN), anonymous=DENIED
        ),
    },
    "ticket-transition": {"POST": expect((PM, CSO, DESK, ADMIN), anonymous=DENIED)},
    "training-booking-detail": {
        "GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN), others=HIDDEN, anonymous=DENIED)
    },
    "training-booking-list": {
        "GET": API_SIGNED_IN,
        "POST": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-completion-detail": {
        "GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN), others=HIDDEN, anonymous=DENIED)
    },
    "training-completion-list": {
        "GET": API_SIGNED_IN,
        "POST": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-course-detail": {
        "GET": API_SIGNED_IN,
        "PATCH": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-course-list": {
        "GET": API_SIGNED_IN,
        "POST": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-go-live-breakdown": {"GET": API_SIGNED_IN},
    "training-go-live-confidence": {"GET": API_SIGNED_IN},
    "training-go-live-people": {
        "GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN), anonymous=DENIED)
    },
    "training-go-live-plan": {
        "GET": API_SIGNED_IN,
        "PUT": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-go-live-trajectory": {"GET": API_SIGNED_IN},
    "training-requirement-detail": {
        "GET": API_SIGNED_IN,
        "DELETE": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-requirement-list": {
        "GET": API_SIGNED_IN,
        "POST": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training:acknowledge_alert": {"POST": expect((PM, TRAINING_LEAD, ADMIN))},
    "training:check_alerts": {"POST": expect((PM, TRAINING_LEAD, ADMIN))},
    "training:compliance": {
        "GET": expect((PM, CHAIR, WARD_MANAGER, TRAINING_LEAD, CHAMPION, EXECUTIVE, ADMIN))
    },
    "training:confidence": {
        "GET": expect((PM, CHAIR, WARD_MANAGER, TRAINING_LEAD, CHAMPION, EXECUTIVE, ADMIN)),
        "POST": expect((PM, CHAIR, WARD_MANAGER, TRAINING_LEAD, CHAMPION, ADMIN)),
    },
    "training:course_edit": {
        "GET": expect((PM, TRAINING_LEAD, ADMIN)),
        "POST": expect((PM, TRAINING_LEAD, ADMIN)),
    },
    "training:course_new": {
        "GET": expect((PM, TRAINING_LEAD, ADMIN)),
        "POST": expect((PM, TRAINING_LEAD, ADMIN)),
    },
    "training:courses": {
        "GET": expect((PM, CHAIR, WARD_MANAGER, TRAINING_LEAD, CHAMPION, EXECUTIVE, ADMIN))
    },
    "training:drill_down": {
        "GET": expect((PM, CHAIR, WARD_MANAGER, TRAINING_LEAD, CHAMPION, EXECUTIVE, ADMIN))
    },
    "training:export_csv": {"GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN))},
    "training:export_xlsx": {"GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN))},
    "training:home": {
        "GET": expect((PM, CHAIR, WARD_MANAGER, TRAINING_LEAD, CHAMPION, EXECUTIVE, ADMIN))
    },
    "training:plan": {
        "GET": expect((PM, TRAINING_LEAD, ADMIN)),
        "POST": expect((PM, TRAINING_LEAD, ADMIN)),
    },
    "training:register": {
        "GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN)),
        "POST": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN)),
    },
    "training:requirement_delete": {"POST": expect((PM, TRAINING_LEAD, ADMIN))},
    "training:requirements": {
        "GET": expect((PM, CHAIR, WARD_MANAGER, TRAINING_LEAD, CHAMPION, EXECUTIVE, ADMIN)),
        "POST": expect((PM, TRAINING_LEAD, ADMIN)),
    },
    "training:scope": {
        "GET": expect((PM, TRAINING_LEAD, ADMIN)),
        "POST": expect((PM, TRAINING_LEAD, ADMIN)),
    },
    "training:scope_change_delete": {"POST": expect((PM, TRAINING_LEAD, ADMIN))},
}
