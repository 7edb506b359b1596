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

# Who reaches each section that not everyone reaches: its pages, its API and the links to it
# (golive/access.py ROLE_READS decides; written out here, so the matrix checks the decision
# rather than repeating it). Champions and the service desk are every role's.
READINESS = (PM, CHAIR, CSO, WARD_MANAGER, EXECUTIVE, ADMIN)
COMMAND = (PM, CHAIR, CSO, EXECUTIVE, ADMIN)  # command and control, inside readiness
TRAINING = (PM, CHAIR, WARD_MANAGER, TRAINING_LEAD, CHAMPION, EXECUTIVE, ADMIN)
ADOPTION = (PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, EXECUTIVE, ADMIN)
STAFF = (PM, WARD_MANAGER, TRAINING_LEAD, ADMIN)
# Who keeps the criteria library: a programme-wide grant to manage go-lives or to edit
# readiness (never a ward manager's area-scoped one).
LIBRARY = (PM, CHAIR, CSO, ADMIN)
# Who changes the service desk's settings: a programme-wide grant to manage go-lives.
DESK_SETTINGS = (PM, ADMIN)
AUDIT = (PM, CSO, ADMIN)  # the audit trail
SETUP = (PM, ADMIN)  # programme set-up: MANAGE_GO_LIVES programme-wide
MANAGE_ACCESS = (PM, ADMIN)  # people and access: programme-wide grants only

# Roles that do not reach the command-and-control pages at all.
NO_COMMAND_SECTION = {role: DENIED for role in SIGNED_IN if role not in COMMAND}


def api_in(section: Iterable[str], allowed: Iterable[str] | None = None) -> Expect:
    """An API read in ``section``: roles outside it are refused (403) before anything is
    looked up; inside it, ``allowed`` (default: all of it) get OK and the rest 404, the row
    being outside what they may see."""
    section = tuple(section)
    allowed = section if allowed is None else tuple(allowed)
    hidden = {role: HIDDEN for role in section if role not in allowed}
    return expect(allowed, anonymous=DENIED, overrides=hidden)


# Families: the usual shapes, so most rows are one line.
EVERY_SIGNED_IN = expect(SIGNED_IN)
PUBLIC = expect((ANONYMOUS, *SIGNED_IN))
# The API answers anonymous callers 403 (session authentication comes first) and refuses
# writes on read-only endpoints with 403 before looking for a handler.
API_SIGNED_IN = expect(SIGNED_IN, anonymous=DENIED)
API_NOBODY = expect(anonymous=DENIED)
PAGE: Row = {"GET": EVERY_SIGNED_IN}  # a page or export every signed-in role may read


def api_read(section: Iterable[str] = SIGNED_IN) -> Row:
    """A read-only API list or detail of ``section``, its rows scoped by Access."""
    return {
        "GET": api_in(section),
        "POST": API_NOBODY,
        "PUT": API_NOBODY,
        "PATCH": API_NOBODY,
        "DELETE": API_NOBODY,
    }


API_READ = api_read()  # a read-only API resource every signed-in role may call

# Unsafe requests that touch only the caller's own session or answer a survey reached by a
# link, not the trust's data; the executive test lets executives make them.
NOT_DATA_WRITES: Mapping[str, str] = {
    "login": "signing in",
    "logout": "signing out",
    "switch_go_live": "choosing the go-live to look at, kept in the session",
    "adoption:survey_answer": "the anonymous staff survey: anyone with the link answers",
    "support:survey": "a reporter's satisfaction survey, reached by a signed link",
    "request_access": "asking for access: a request to the programme's administrators",
    "account:second_factor_set_up": "setting up one's own authenticator app",
    "account:second_factor_verify": "entering one's own security code at sign-in",
    "account:second_factor_remove": "removing one's own authenticator app",
    "account:api_token_new": "making one's own API token, for scripts that act as oneself",
    "account:api_token_revoke": "revoking one's own API token",
    "access-request-list": "asking for access over the API, for oneself",
}

# Each API resource (a viewset's basename, or a function view's route name) and the page of
# the section it belongs to: whoever that page refuses, the API refuses too, and the other way
# round (tests/authz/test_matrix.py sends both). The API docs and schema describe every
# section and belong to none.
API_PAGES: Mapping[str, str] = {
    "api-root": "home",
    "api-me": "home",
    "area": "home",
    "go-live": "home",
    "staff": "staff_list",
    "readiness-criterion": "readiness:board",
    "readiness-gate": "readiness:gates",
    "readiness-hazard": "readiness:hazards",
    "readiness-group": "readiness:groups",
    "readiness-comms": "readiness:comms",
    "readiness-engagement-event": "readiness:comms",
    "readiness-milestone": "readiness:timeline",
    "readiness-cell": "readiness:command",
    "readiness-sitrep": "readiness:command",
    "readiness-escalation": "readiness:command",
    "training-course": "training:courses",
    "training-requirement": "training:requirements",
    "training-completion": "training:compliance",
    "training-booking": "training:home",
    "training-scope-change": "training:home",
    "training-go-live": "training:home",
    "training-confidence-check": "training:confidence",
    "designation": "champions:home",
    "shift": "champions:roster",
    "shift-assignment": "champions:roster",
    "coverage": "champions:coverage",
    "cover-request": "champions:roster",
    "ticket": "support:queue",
    "ticket-category": "support:home",
    "import-batch": "adoption:imports",
    "mapping-profile": "adoption:profiles",
    "metric": "adoption:metrics",
    "change-marker": "adoption:markers",
    "api-comparison": "adoption:before_after",
    "api-dip-and-recovery": "adoption:dashboard",
    "api-feedback-scores": "adoption:feedback",
    "audit-entry": "audit:home",
    "go-live-copy": "setup:copy_go_live",
    "site": "setup:sites",
    "programme": "home",
    "release": "setup:go_lives",
    "role-grant": "people:home",
    "invitation": "people:home",
    "access-request": "request_access",
}
API_WITHOUT_SECTION = frozenset({"api-docs", "api-schema", "api-definitions"})

# Unsafe methods are sent with an empty payload, so OK there means "got past authorisation"
# (a form re-rendered with messages, a 400, a redirect): services refuse a valid payload
# from a role without the capability, which the apps' own tests cover.
POLICY: Mapping[str, Row] = {
    # People and access (issue 15): programme managers and administrators, programme-wide;
    # asking for access is every signed-in user's (a new user has no role at all).
    "people:home": {"GET": expect(MANAGE_ACCESS)},
    "people:invite": {"GET": expect(MANAGE_ACCESS), "POST": expect(MANAGE_ACCESS)},
    "people:grant_new": {"GET": expect(MANAGE_ACCESS), "POST": expect(MANAGE_ACCESS)},
    "people:grant_edit": {"GET": expect(MANAGE_ACCESS), "POST": expect(MANAGE_ACCESS)},
    "people:grant_revoke": {"GET": expect(MANAGE_ACCESS), "POST": expect(MANAGE_ACCESS)},
    "people:requests": {"GET": expect(MANAGE_ACCESS)},
    "people:request": {"GET": expect(MANAGE_ACCESS), "POST": expect(MANAGE_ACCESS)},
    "request_access": {"GET": EVERY_SIGNED_IN, "POST": EVERY_SIGNED_IN},
    # One's own account and second factor: every signed-in user (tests/golive/
    # test_second_factor.py covers who must set one up and what is blocked until then).
    "account:home": {"GET": EVERY_SIGNED_IN},
    "account:second_factor_set_up": {"GET": EVERY_SIGNED_IN, "POST": EVERY_SIGNED_IN},
    "account:second_factor_verify": {"GET": EVERY_SIGNED_IN, "POST": EVERY_SIGNED_IN},
    "account:second_factor_remove": {"GET": EVERY_SIGNED_IN, "POST": EVERY_SIGNED_IN},
    # One's own API tokens (tests/golive/test_api_tokens.py); the matrix names a token of
    # another user, which nobody may revoke from their own list.
    "account:api_tokens": {"GET": EVERY_SIGNED_IN},
    "account:api_token_new": {"GET": EVERY_SIGNED_IN, "POST": EVERY_SIGNED_IN},
    "account:api_token_revoke": {"GET": expect(others=HIDDEN), "POST": expect(others=HIDDEN)},
    "password_reset_confirm": {
        "GET": PUBLIC,
        "POST": expect((ANONYMOUS, *SIGNED_IN), overrides=READ_ONLY_REFUSED),
    },
    "password_reset_complete": {"GET": PUBLIC},
    "role-grant-list": {
        "GET": api_in(MANAGE_ACCESS),
        "POST": expect(MANAGE_ACCESS, anonymous=DENIED),
    },
    "role-grant-detail": {
        "GET": api_in(MANAGE_ACCESS),
        "PATCH": expect(MANAGE_ACCESS, anonymous=DENIED),
        "DELETE": expect(MANAGE_ACCESS, anonymous=DENIED),
    },
    "invitation-list": {
        "GET": api_in(MANAGE_ACCESS),
        "POST": expect(MANAGE_ACCESS, anonymous=DENIED),
    },
    "access-request-list": {"GET": API_SIGNED_IN, "POST": API_SIGNED_IN},
    # Approvers see their programmes' requests; anyone else (not the requester) finds none.
    "access-request-detail": {"GET": expect(MANAGE_ACCESS, others=HIDDEN, anonymous=DENIED)},
    "access-request-approve": {"POST": expect(MANAGE_ACCESS, others=HIDDEN, anonymous=DENIED)},
    "access-request-decline": {"POST": expect(MANAGE_ACCESS, others=HIDDEN, anonymous=DENIED)},
    # Added this session (programme dashboard, cells and escalations, notices, gaps, scope
    # changes and confidence over the API); outcomes read against the views' own checks.
    "adoption:programme_dashboard": {"GET": expect(ADOPTION)},
    "adoption:programme_export": {"GET": expect(ADOPTION)},
    "adoption:drill_down": {"GET": expect(ADOPTION)},
    "adoption:programme_board_pack": {"GET": expect(ADOPTION)},
    "adoption:drill_down_area": {"GET": expect(ADOPTION)},
    "adoption:metric_delete": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "readiness:cell": {
        "GET": expect(COMMAND),
        "POST": expect((PM, CHAIR, CSO, ADMIN)),
    },
    "readiness:escalation": {
        "GET": expect(others=HIDDEN, overrides=NO_COMMAND_SECTION),
        "POST": expect(others=HIDDEN, overrides={**NO_COMMAND_SECTION, **READ_ONLY_REFUSED}),
    },
    "support:notice_seen": {"POST": expect(SIGNED_IN, overrides=READ_ONLY_REFUSED)},
    "support:raise_hazard": {"GET": expect((CSO, ADMIN)), "POST": expect((CSO, ADMIN))},
    # New go-live from a previous one (issue 15): programme managers, programme-wide.
    "setup:copy_go_live": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "setup:go_live_copy": {"GET": expect((PM, ADMIN))},
    "go-live-copy-list": {
        "GET": api_in((PM, ADMIN)),
        "POST": expect((PM, ADMIN), anonymous=DENIED),
    },
    "go-live-copy-detail": {"GET": api_in((PM, ADMIN))},
    "readiness-cell-list": {"GET": api_in(COMMAND), "POST": expect((PM, ADMIN), anonymous=DENIED)},
    "readiness-cell-detail": {
        "GET": api_in(COMMAND),
        "PUT": expect((PM, ADMIN), anonymous=DENIED),
    },
    "readiness-escalation-list": {"GET": api_in(COMMAND)},
    "readiness-escalation-detail": {"GET": api_in(COMMAND)},
    "readiness-escalation-step-up": {"POST": expect((PM, ADMIN), anonymous=DENIED)},
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
        "POST": expect(TRAINING, anonymous=DENIED, overrides=READ_ONLY_REFUSED)
    },
    "training-go-live-gaps": {"GET": api_in(TRAINING)},
    "training-scope-change-list": {
        "GET": api_in(TRAINING),
        "POST": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-scope-change-detail": {
        "GET": api_in(TRAINING, (PM, WARD_MANAGER, TRAINING_LEAD, ADMIN)),
        "DELETE": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training:confidence_csv": {"GET": expect(TRAINING)},
    "training:confidence_xlsx": {"GET": expect(TRAINING)},
    "training:gaps_csv": {"GET": expect(TRAINING)},
    "training:gaps_xlsx": {"GET": expect(TRAINING)},
    "admin:index": {
        "GET": expect((ADMIN,), others=LOGIN),
        "POST": expect((ADMIN,), others=LOGIN, overrides=READ_ONLY_REFUSED),
        "PUT": expect((ADMIN,), others=LOGIN, overrides=READ_ONLY_REFUSED),
        "PATCH": expect((ADMIN,), others=LOGIN, overrides=READ_ONLY_REFUSED),
        "DELETE": expect((ADMIN,), others=LOGIN, overrides=READ_ONLY_REFUSED),
    },
    "adoption:area": {"GET": expect(ADOPTION)},
    "adoption:batch": {
        "GET": expect((PM, ADMIN), others=HIDDEN, overrides={DESK: DENIED, CHAMPION: DENIED})
    },
    "adoption:before_after": {"GET": expect(ADOPTION)},
    "adoption:board_pack": {"GET": expect(ADOPTION)},
    "adoption:builtin_profile_export": {"GET": expect(ADOPTION)},
    "adoption:commit_valid_rows": {
        "POST": expect(
            (PM, ADMIN),
            others=HIDDEN,
            overrides={DESK: DENIED, CHAMPION: DENIED, EXECUTIVE: DENIED},
        )
    },
    "adoption:dashboard": {"GET": expect(ADOPTION)},
    "adoption:withdraw": {
        "GET": expect((PM, ADMIN), others=HIDDEN, overrides={DESK: DENIED, CHAMPION: DENIED}),
        "POST": expect(
            (PM, ADMIN),
            others=HIDDEN,
            overrides={DESK: DENIED, CHAMPION: DENIED, EXECUTIVE: DENIED},
        ),
    },
    "adoption:error_report": {
        "GET": expect((PM, ADMIN), others=HIDDEN, overrides={DESK: DENIED, CHAMPION: DENIED})
    },
    "adoption:export": {"GET": expect(ADOPTION)},
    "adoption:unknown_values_report": {
        "GET": expect((PM, ADMIN), others=HIDDEN, overrides={DESK: DENIED, CHAMPION: DENIED})
    },
    "adoption:feedback": {"GET": expect(ADOPTION)},
    "adoption:feedback_export": {"GET": expect(ADOPTION)},
    "adoption:home": {"GET": expect(ADOPTION)},
    "adoption:imports": {"GET": expect(ADOPTION)},
    "adoption:marker_delete": {"POST": expect((PM, ADMIN))},
    "adoption:marker_edit": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:marker_new": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:markers": {"GET": expect(ADOPTION)},
    "adoption:metric_edit": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:metric_new": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:metrics": {"GET": expect(ADOPTION)},
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
    "adoption:profile_history": {
        "GET": expect(
            (PM, WARD_MANAGER, TRAINING_LEAD, ADMIN),
            others=HIDDEN,
            overrides={DESK: DENIED, CHAMPION: DENIED},
        )
    },
    "adoption:profile_version_export": {
        "GET": expect(
            (PM, WARD_MANAGER, TRAINING_LEAD, ADMIN),
            others=HIDDEN,
            overrides={DESK: DENIED, CHAMPION: DENIED},
        )
    },
    # The builder: profile editors only, refused before any profile is looked up.
    "adoption:profile_builder": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:profile_builder_edit": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:profile_builder_columns": {
        "GET": expect((PM, ADMIN)),
        "POST": expect((PM, ADMIN)),
    },
    "adoption:profile_builder_codes": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:profile_builder_save": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:profile_import": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:profile_new": {"GET": expect((PM, ADMIN)), "POST": expect((PM, ADMIN))},
    "adoption:profiles": {"GET": expect(ADOPTION)},
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
    "api-comparison": api_read(ADOPTION),
    "api-dip-and-recovery": api_read(ADOPTION),
    "api-docs": {"GET": API_SIGNED_IN},
    "api-feedback-scores": api_read(ADOPTION),
    "api-me": API_READ,
    "api-definitions": API_READ,
    "api-root": API_READ,
    "api-schema": {"GET": API_SIGNED_IN},
    "area-detail": {"GET": api_in(SIGNED_IN), "PUT": expect(SETUP, anonymous=DENIED)},
    "area-list": {"GET": api_in(SIGNED_IN), "POST": expect(SETUP, anonymous=DENIED)},
    "area-bulk": {"POST": expect(SETUP, anonymous=DENIED)},
    "area-retire": {"POST": expect(SETUP, anonymous=DENIED)},
    "area-reinstate": {"POST": expect(SETUP, anonymous=DENIED)},
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
    # The form names the person and everyone they could swap with: not for executives.
    "champions:ask_cover": {
        "GET": expect(SIGNED_IN, overrides={EXECUTIVE: DENIED}),
        "POST": expect((PM, WARD_MANAGER, ADMIN)),
    },
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
        "GET": api_in(ADOPTION, (PM, CHAIR, CSO, TRAINING_LEAD, EXECUTIVE, ADMIN)),
        "PUT": expect((PM, ADMIN), anonymous=DENIED),
        "PATCH": expect((PM, ADMIN), anonymous=DENIED),
        "DELETE": expect((PM, ADMIN), anonymous=DENIED),
    },
    "change-marker-list": {"GET": api_in(ADOPTION), "POST": expect((PM, ADMIN), anonymous=DENIED)},
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
    "go-live-detail": {"GET": api_in(SIGNED_IN), "PUT": expect(SETUP, anonymous=DENIED)},
    "go-live-list": {"GET": api_in(SIGNED_IN), "POST": expect(SETUP, anonymous=DENIED)},
    "healthz": {"GET": PUBLIC},
    "home": PAGE,
    "definitions": PAGE,
    "import-batch-commit-valid-rows": {
        "POST": expect(
            (PM, ADMIN), anonymous=DENIED, overrides={WARD_MANAGER: HIDDEN, TRAINING_LEAD: HIDDEN}
        )
    },
    "import-batch-detail": {"GET": api_in(ADOPTION, (PM, ADMIN))},
    "import-batch-withdraw": {
        "POST": expect(
            (PM, ADMIN), anonymous=DENIED, overrides={WARD_MANAGER: HIDDEN, TRAINING_LEAD: HIDDEN}
        )
    },
    "import-batch-issues": {"GET": api_in(ADOPTION, (PM, ADMIN))},
    "import-batch-list": {
        "GET": api_in(ADOPTION),
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
        "GET": api_in(ADOPTION, (PM, WARD_MANAGER, TRAINING_LEAD, ADMIN)),
        "PUT": expect((PM, ADMIN), anonymous=DENIED),
        "PATCH": expect((PM, ADMIN), anonymous=DENIED),
        "DELETE": expect((PM, ADMIN), anonymous=DENIED),
    },
    "mapping-profile-list": {
        "GET": api_in(ADOPTION),
        "POST": expect((PM, ADMIN), anonymous=DENIED),
    },
    "metric-detail": {
        "GET": api_in(ADOPTION),
        "PUT": expect((PM, ADMIN), anonymous=DENIED),
        "PATCH": expect((PM, ADMIN), anonymous=DENIED),
        "DELETE": expect((PM, ADMIN), anonymous=DENIED),
    },
    "metric-list": {"GET": api_in(ADOPTION), "POST": expect((PM, ADMIN), anonymous=DENIED)},
    "metric-series": {"GET": api_in(ADOPTION)},
    "readiness-comms-detail": {
        "GET": api_in(READINESS),
        "PUT": expect((PM, ADMIN), anonymous=DENIED),
    },
    "readiness-comms-list": {
        "GET": api_in(READINESS),
        "POST": expect((PM, ADMIN), anonymous=DENIED),
    },
    "readiness-criterion-assess": {
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN), anonymous=DENIED)
    },
    "readiness-criterion-detail": {"GET": api_in(READINESS)},
    "readiness-criterion-list": {"GET": api_in(READINESS)},
    "readiness-engagement-event-detail": api_read(READINESS),
    "readiness-engagement-event-list": api_read(READINESS),
    "readiness-gate-detail": {"GET": api_in(READINESS)},
    # The evidence covers every area: a ward manager, who sees some, finds none.
    "readiness-gate-evidence-pack": {"GET": api_in(READINESS, (PM, CHAIR, CSO, EXECUTIVE, ADMIN))},
    "readiness-gate-list": {"GET": api_in(READINESS)},
    "readiness-gate-sign-off": {"POST": expect((PM, CHAIR, CSO, ADMIN), anonymous=DENIED)},
    "readiness-group-detail": {"GET": api_in(READINESS)},
    "readiness-group-list": {
        "GET": api_in(READINESS),
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN), anonymous=DENIED),
    },
    "readiness-hazard-detail": {
        "GET": api_in(READINESS),
        "PUT": expect((CSO, ADMIN), anonymous=DENIED),
    },
    "readiness-hazard-list": {
        "GET": api_in(READINESS),
        "POST": expect((CSO, ADMIN), anonymous=DENIED),
    },
    "readiness-milestone-detail": {
        "GET": api_in(READINESS),
        "PUT": expect((PM, ADMIN), anonymous=DENIED),
    },
    "readiness-milestone-list": {
        "GET": api_in(READINESS),
        "POST": expect((PM, ADMIN), anonymous=DENIED),
    },
    "readiness-sitrep-detail": api_read(COMMAND),
    "readiness-sitrep-list": api_read(COMMAND),
    "readiness:action_status": {"POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN))},
    "readiness:board": {
        "GET": expect(READINESS),
        "POST": expect((PM, ADMIN)),
    },
    "readiness:board_export": {"GET": expect(READINESS)},
    "readiness:command": {
        "GET": expect(COMMAND),
        "POST": expect((PM, CHAIR, CSO, ADMIN)),
    },
    "readiness:comms": {
        "GET": expect(READINESS),
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN)),
    },
    "readiness:comms_status": {"POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN))},
    "readiness:complete_milestone": {"POST": expect((PM, ADMIN))},
    "readiness:criterion": {
        "GET": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN)),
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN)),
    },
    "readiness:evidence_file": {"GET": expect(READINESS)},
    "readiness:evidence_pack": {
        "GET": expect(
            others=HIDDEN, overrides={TRAINING_LEAD: DENIED, DESK: DENIED, CHAMPION: DENIED}
        )
    },
    "readiness:gate": {
        "GET": expect(READINESS),
        "POST": expect((PM, CHAIR, CSO, ADMIN)),
    },
    "readiness:gates": {
        "GET": expect(READINESS),
        "POST": expect((PM, ADMIN)),
    },
    "readiness:group": {
        "GET": expect(READINESS),
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN)),
    },
    "readiness:groups": {
        "GET": expect(READINESS),
        "POST": expect((PM, ADMIN)),
    },
    "readiness:hazard_edit": {"GET": expect((CSO, ADMIN)), "POST": expect((CSO, ADMIN))},
    "readiness:hazard_new": {"GET": expect((CSO, ADMIN)), "POST": expect((CSO, ADMIN))},
    "readiness:hazard_sign_off": {"POST": expect((CSO, ADMIN))},
    "readiness:hazard_tickets": {
        "GET": expect(READINESS),
        "POST": expect((PM, CHAIR, CSO, WARD_MANAGER, ADMIN)),
    },
    "readiness:hazards": {"GET": expect(READINESS)},
    "readiness:home": {"GET": expect(READINESS)},
    # The criteria library: programme-wide grants to manage go-lives or edit readiness.
    "readiness:library": {"GET": expect(LIBRARY)},
    "readiness:library_copy": {"GET": expect(LIBRARY), "POST": expect(LIBRARY)},
    "readiness:library_delete": {"GET": expect(LIBRARY), "POST": expect(LIBRARY)},
    "readiness:library_edit": {"GET": expect(LIBRARY), "POST": expect(LIBRARY)},
    "readiness:library_new": {"GET": expect(LIBRARY), "POST": expect(LIBRARY)},
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
        "GET": expect(READINESS),
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
    "audit-entry-list": api_read(AUDIT),
    "audit:export": {"GET": expect(AUDIT)},
    "audit:home": {"GET": expect(AUDIT)},
    "staff-detail": api_read(STAFF),
    "staff-list": api_read(STAFF),
    "staff_export": {"GET": expect(STAFF)},
    "staff_list": {"GET": expect(STAFF)},
    "support:analytics": PAGE,
    "support:board": PAGE,
    # The desk's settings (one set for every programme): programme managers, administrators.
    "support:categories": {"GET": expect(DESK_SETTINGS)},
    "support:category_edit": {"GET": expect(DESK_SETTINGS), "POST": expect(DESK_SETTINGS)},
    "support:category_new": {"GET": expect(DESK_SETTINGS), "POST": expect(DESK_SETTINGS)},
    "support:category_status": {"GET": expect(DESK_SETTINGS), "POST": expect(DESK_SETTINGS)},
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
    "support:resolver_group_edit": {"GET": expect(DESK_SETTINGS), "POST": expect(DESK_SETTINGS)},
    "support:resolver_groups": {"GET": expect(DESK_SETTINGS), "POST": expect(DESK_SETTINGS)},
    "support:safety": PAGE,
    "support:settings": {"GET": expect(DESK_SETTINGS)},
    "support:sla": {"GET": expect(DESK_SETTINGS)},
    "support:sla_edit": {"GET": expect(DESK_SETTINGS), "POST": expect(DESK_SETTINGS)},
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
    "training-booking-detail": {"GET": api_in(TRAINING, (PM, WARD_MANAGER, TRAINING_LEAD, ADMIN))},
    "training-booking-list": {
        "GET": api_in(TRAINING),
        "POST": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-completion-detail": {
        "GET": api_in(TRAINING, (PM, WARD_MANAGER, TRAINING_LEAD, ADMIN))
    },
    "training-completion-list": {
        "GET": api_in(TRAINING),
        "POST": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-course-detail": {
        "GET": api_in(TRAINING),
        "PATCH": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-course-list": {
        "GET": api_in(TRAINING),
        "POST": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-go-live-breakdown": {"GET": api_in(TRAINING)},
    "training-go-live-confidence": {"GET": api_in(TRAINING)},
    "training-go-live-people": {
        "GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN), anonymous=DENIED)
    },
    "training-go-live-plan": {
        "GET": api_in(TRAINING),
        "PUT": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-go-live-trajectory": {"GET": api_in(TRAINING)},
    "training-requirement-detail": {
        "GET": api_in(TRAINING),
        "DELETE": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training-requirement-list": {
        "GET": api_in(TRAINING),
        "POST": expect((PM, TRAINING_LEAD, ADMIN), anonymous=DENIED),
    },
    "training:acknowledge_alert": {"POST": expect((PM, TRAINING_LEAD, ADMIN))},
    "training:check_alerts": {"POST": expect((PM, TRAINING_LEAD, ADMIN))},
    "training:compliance": {"GET": expect(TRAINING)},
    "training:confidence": {
        "GET": expect(TRAINING),
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
    "training:courses": {"GET": expect(TRAINING)},
    "training:drill_down": {"GET": expect(TRAINING)},
    "training:export_csv": {"GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN))},
    "training:export_xlsx": {"GET": expect((PM, WARD_MANAGER, TRAINING_LEAD, ADMIN))},
    "training:home": {"GET": expect(TRAINING)},
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
        "GET": expect(TRAINING),
        "POST": expect((PM, TRAINING_LEAD, ADMIN)),
    },
    "training:scope": {
        "GET": expect((PM, TRAINING_LEAD, ADMIN)),
        "POST": expect((PM, TRAINING_LEAD, ADMIN)),
    },
    "training:scope_change_delete": {"POST": expect((PM, TRAINING_LEAD, ADMIN))},
    # Programme set-up (administration/structure): programme managers and administrators.
    "setup:home": {"GET": expect(SETUP)},
    "setup:sites": {"GET": expect(SETUP)},
    "setup:site_new": {"GET": expect(SETUP), "POST": expect(SETUP)},
    "setup:site_edit": {"GET": expect(SETUP), "POST": expect(SETUP)},
    "setup:areas": {"GET": expect(SETUP)},
    "setup:area_new": {"GET": expect(SETUP), "POST": expect(SETUP)},
    "setup:area_edit": {"GET": expect(SETUP), "POST": expect(SETUP)},
    "setup:area_retire": {"GET": expect(SETUP), "POST": expect(SETUP)},
    "setup:area_reinstate": {"POST": expect(SETUP)},
    "setup:areas_import": {"GET": expect(SETUP), "POST": expect(SETUP)},
    "setup:areas_import_confirm": {"POST": expect(SETUP)},
    "setup:programmes": {"GET": expect(SETUP)},
    "setup:programme_new": {"GET": expect((ADMIN,)), "POST": expect((ADMIN,))},
    "setup:programme_edit": {"GET": expect(SETUP), "POST": expect(SETUP)},
    "setup:go_lives": {"GET": expect(SETUP)},
    "setup:go_live_new": {"GET": expect(SETUP), "POST": expect(SETUP)},
    "setup:go_live": {"GET": expect(SETUP)},
    "setup:go_live_edit": {"GET": expect(SETUP), "POST": expect(SETUP)},
    "setup:release_new": {"GET": expect(SETUP), "POST": expect(SETUP)},
    "setup:release_edit": {"GET": expect(SETUP), "POST": expect(SETUP)},
    "setup:release_delete": {"GET": expect(SETUP), "POST": expect(SETUP)},
    "site-list": {"GET": api_in(SETUP), "POST": expect(SETUP, anonymous=DENIED)},
    "site-detail": {"GET": api_in(SETUP), "PUT": expect(SETUP, anonymous=DENIED)},
    "programme-list": {"GET": api_in(SIGNED_IN), "POST": expect((ADMIN,), anonymous=DENIED)},
    "programme-detail": {"GET": api_in(SIGNED_IN), "PUT": expect(SETUP, anonymous=DENIED)},
    "release-list": {"GET": api_in(SETUP), "POST": expect(SETUP, anonymous=DENIED)},
    "release-detail": {
        "GET": api_in(SETUP),
        "PUT": expect(SETUP, anonymous=DENIED),
        "DELETE": expect(SETUP, anonymous=DENIED),
    },
}

# Field-level visibility (issue 22, F8 and F9): beyond reaching a route, what each role may
# read of people and of free text in it. tests/authz/test_fields.py plants a canary string of
# each kind in ward A and checks every listed route's body: present for the roles named
# here, absent for every other signed-in role.
CHAMPION_NAMES = "champion names"
CHAMPION_DETAILS = "a colleague's champion notes and cover reasons"
OWN_CHAMPION_DETAILS = "the champion's own notes"
TICKET_TEXT = "what a ticket says"
FIELD_READERS: Mapping[str, tuple[str, ...]] = {
    # Executives see champion figures, not names (golive/access.py CHAMPION_PEOPLE).
    CHAMPION_NAMES: (PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN),
    # A champion sees colleagues' names only.
    CHAMPION_DETAILS: (PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, ADMIN),
    OWN_CHAMPION_DETAILS: (PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN),
    # Those who log or work tickets in the area (support.selectors.may_read_ticket_text).
    TICKET_TEXT: (PM, CHAIR, CSO, WARD_MANAGER, TRAINING_LEAD, DESK, CHAMPION, ADMIN),
}
FIELD_SURFACES: Mapping[str, tuple[str, ...]] = {
    CHAMPION_NAMES: (
        "champions:home",
        "champions:designations_export",
        "champions:roster",
        "champions:roster_export",
        "champions:answer_cover",
        "designation-list",
        "shift-list",
        "shift-assignment-list",
        "cover-request-list",
    ),
    CHAMPION_DETAILS: (
        "champions:home",
        "champions:designations_export",
        "champions:answer_cover",
        "designation-list",
        "cover-request-list",
    ),
    OWN_CHAMPION_DETAILS: ("champions:home", "champions:designations_export", "designation-list"),
    TICKET_TEXT: (
        "support:ticket",
        "support:export_csv",
        "ticket-list",
        "ticket-detail",
        "ticket-comments",
    ),
}
