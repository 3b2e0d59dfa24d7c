"""Every URL of the project, for every role, inside and outside the person's scope.

A URL whose name has no entry in MATRIX fails ``test_every_url_has_an_entry``: adding a
view means saying here who may use it.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from governance import services as gov
from governance.models import Committee, Meeting, Organization, OrgUnit
from incidents.models import AffectedSystem, Incident, RootCause
from measures import services as ms
from measures.models import Countermeasure, Perspective
from monitoring import services as mon
from plans.models import PlanImportRun
from registry import services as registry
from tests import factories
from tests.conftest import read

ROLES = [
    None,  # not signed in
    "outsider",
    "pg_chief",
    "pg_promoter",
    "pg_second",
    "pg_auditor",
    "miraiz_promoter",
    "miraiz_second",
    "committee_member",
    "superuser",
]
LOGIN = 302  # redirected to sign in


def _all(status):
    return dict.fromkeys(ROLES[1:], status) | {None: LOGIN}


def _pg_measure_owned_by_head_office(ctx):
    return Countermeasure.objects.get(code="PG-06").pk


def _pg_incident(ctx):
    return Incident.objects.get(number=1).pk


def _pg_root_cause(ctx):
    return RootCause.objects.get(organization__code="chubu-pg", number=2).pk


def _evidence(ctx):
    return ctx["evidence"].pk


def _report(ctx):
    return ctx["report"].pk


def _change_request(ctx):
    return ctx["change_request"].pk


def _pg_system(ctx):
    return AffectedSystem.objects.get(organization__code="chubu-pg", code="takuso").pk


def _pg_action(ctx):
    return ctx["action"].pk


def _meeting(ctx):
    return Meeting.objects.get(committee__code="neutrality", number=1).pk


def _recommendation(ctx):
    return ctx["recommendation"].pk


def _deputyship(ctx):
    return ctx["deputyship"].pk


def _import_run(ctx):
    return ctx["import_run"].pk


def _pg_organization(ctx):
    return Organization.objects.get(code="chubu-pg").pk


def _activity(ctx):
    return ctx["activity"].pk


def _run(ctx):
    return ctx["exception"].run_id


def _exception(ctx):
    return ctx["exception"].pk


def _audit_plan(ctx):
    return ctx["finding"].engagement.plan_id


def _engagement(ctx):
    return ctx["finding"].engagement_id


def _finding(ctx):
    return ctx["finding"].pk


def _registration(ctx):
    return ctx["reach"].item.registration_id


def _item(ctx):
    return ctx["reach"].item_id


def _reach(ctx):
    return ctx["reach"].pk


def _proposal(ctx):
    return ctx["proposal"].pk


def _pg_perspective(ctx):
    return Perspective.objects.filter(organization__code="chubu-pg").order_by("position")[0].pk


PG_READERS = {
    "pg_chief": 200,
    "pg_promoter": 200,
    "pg_second": 200,
    "pg_auditor": 200,
    "superuser": 200,
}
PG_WHOLE_ORG = PG_READERS | {"pg_promoter": 200}
NOT_PG = {"outsider": 404, "miraiz_promoter": 404, "miraiz_second": 404, "committee_member": 404}


def _committee(ctx):
    return Committee.objects.get(code="neutrality").pk


# The neutrality committee (run by the grid company, overseeing it alone): its members and,
# in the grid company, the chief officer, the second line and the auditors see it; its
# reports are read by its members, the second line and the auditors.
COMMITTEE_READERS = {
    "pg_chief": 200,
    "pg_promoter": 404,
    "pg_second": 200,
    "pg_auditor": 200,
    "committee_member": 200,
    "superuser": 200,
}
REPORT_READERS = COMMITTEE_READERS | {"pg_chief": 404}

PG_WRITERS_FORM = {"pg_chief": 200, "pg_promoter": 200, "pg_second": 200, "superuser": 200}

# Who writes the plan: the second line of each company (and superusers); a form posted
# empty answers 200 (shown again with its errors).
AUTHORS = _all(403) | {"pg_second": 200, "miraiz_second": 200, "superuser": 200}
PG_AUTHORS = {
    None: LOGIN,
    **NOT_PG,
    "pg_chief": 403,
    "pg_promoter": 403,
    "pg_auditor": 403,
    "pg_second": 200,
    "superuser": 200,
}
# Perspectives and root causes have no grants of their own: outside the authors' companies
# they are not found.
PG_REFERENCE_AUTHORS = {
    None: LOGIN,
    **NOT_PG,
    "pg_chief": 404,
    "pg_promoter": 404,
    "pg_auditor": 404,
    "pg_second": 200,
    "superuser": 200,
}
# The first line proposes changes to its measures; the second line decides.
PG_PROPOSERS = {
    None: LOGIN,
    **NOT_PG,
    "pg_chief": 200,
    "pg_promoter": 200,
    "pg_second": 403,
    "pg_auditor": 403,
    "superuser": 200,
}

# A committee's proceedings: its company's second line (and its secretariat) write them;
# who else sees the committee may not.
PROCEEDINGS = {
    None: LOGIN,
    **NOT_PG,
    **COMMITTEE_READERS,
    "pg_chief": 403,
    "pg_auditor": 403,
    "committee_member": 403,
}

# The grid company's monitoring: planned and run by its second line, read by its top and
# internal audit; an exception is answered by the first line of the unit it is addressed
# to (the chief officer's subtree holds it too) and closed by the second line. A POST of an
# empty form answers 200 (shown again with its errors) once access is granted.
MONITORING_READERS = {
    None: LOGIN,
    **NOT_PG,
    "pg_chief": 200,
    "pg_promoter": 404,
    "pg_second": 200,
    "pg_auditor": 200,
    "superuser": 200,
}
MONITORING_WRITERS = MONITORING_READERS | {"pg_chief": 403, "pg_auditor": 403}
EXCEPTION_READERS = MONITORING_READERS | {"pg_promoter": 200}
EXCEPTION_RESPONDERS = EXCEPTION_READERS | {"pg_second": 403, "pg_auditor": 403}
EXCEPTION_DECIDERS = EXCEPTION_READERS | {"pg_chief": 403, "pg_promoter": 403, "pg_auditor": 403}

# Internal audit: only the third line writes its plan, engagements and findings; the
# second line and the top of the company read the plan and engagements; a finding is read
# and answered by the units it is addressed to (here the head-office offices, under the
# chief officer) — the second line sees only those addressed to its own unit.
AUDITORS = _all(403) | {"pg_auditor": 200, "superuser": 200}
AUDIT_READERS = {
    None: LOGIN,
    **NOT_PG,
    "pg_chief": 200,
    "pg_promoter": 404,
    "pg_second": 200,
    "pg_auditor": 200,
    "superuser": 200,
}
AUDIT_WRITERS = AUDIT_READERS | {"pg_chief": 403, "pg_second": 403}
FINDING_READERS = AUDIT_READERS | {"pg_promoter": 200, "pg_second": 404}
FINDING_WRITERS = FINDING_READERS | {"pg_chief": 403, "pg_promoter": 403}
FINDING_RESPONDERS = FINDING_READERS | {"pg_auditor": 403}

# The registry: the second line keeps it; the system's managing unit (here the head-office
# offices, under the chief officer) reads it and proposes changes; internal audit reads it.
REGISTRY_READERS = {
    None: LOGIN,
    **NOT_PG,
    "pg_chief": 200,
    "pg_promoter": 200,
    "pg_second": 200,
    "pg_auditor": 200,
    "superuser": 200,
}
REGISTRY_KEEPERS = REGISTRY_READERS | {"pg_chief": 403, "pg_promoter": 403, "pg_auditor": 403}
REGISTRY_PROPOSERS = REGISTRY_READERS | {"pg_second": 403, "pg_auditor": 403}

# name: (method, object id factory or None, {role: status})
MATRIX = {
    "lines-panel": ("get", None, _all(200)),
    "registry-list": ("get", None, _all(200)),
    "registry-exposures": ("get", None, _all(200)),
    "registry-system-create": ("get", None, AUTHORS),
    "registry-system": ("get", _registration, REGISTRY_READERS),
    "registry-system-edit": ("get", _registration, REGISTRY_KEEPERS),
    "registry-item-create": ("get", _registration, REGISTRY_KEEPERS),
    "registry-item-edit": ("get", _item, REGISTRY_KEEPERS),
    "registry-reach-create": ("get", _item, REGISTRY_KEEPERS),
    "registry-reach-edit": ("get", _reach, REGISTRY_KEEPERS),
    "registry-propose": ("get", _item, REGISTRY_PROPOSERS),
    # An empty decision: back to the system's page with the message.
    "registry-proposal-decide": (
        "post",
        _proposal,
        REGISTRY_KEEPERS | {"pg_second": 302, "superuser": 302},
    ),
    "internal-audit": ("get", None, _all(200)),
    "audit-plan-create": ("get", None, AUDITORS),
    "audit-plan-edit": ("get", _audit_plan, AUDIT_WRITERS),
    "audit-engagement-create": ("get", None, AUDITORS),
    "audit-engagement": ("get", _engagement, AUDIT_READERS),
    "audit-engagement-edit": ("get", _engagement, AUDIT_WRITERS),
    "audit-finding-create": ("post", _engagement, AUDIT_WRITERS),
    "audit-finding": ("get", _finding, FINDING_READERS),
    "audit-finding-edit": ("get", _finding, FINDING_WRITERS),
    "audit-finding-respond": ("post", _finding, FINDING_RESPONDERS),
    "audit-finding-follow-up": ("post", _finding, FINDING_WRITERS),
    "audit-finding-close": ("post", _finding, FINDING_WRITERS),
    "monitoring-list": ("get", None, _all(200)),
    "monitoring-create": ("get", None, AUTHORS),
    "monitoring-detail": ("get", _activity, MONITORING_READERS),
    "monitoring-edit": ("get", _activity, MONITORING_WRITERS),
    "monitoring-run-create": ("get", _activity, MONITORING_WRITERS),
    "monitoring-run": ("get", _run, MONITORING_READERS),
    "monitoring-run-file": ("get", _run, MONITORING_READERS),
    "monitoring-exception-raise": ("post", _run, MONITORING_WRITERS),
    "monitoring-exception": ("get", _exception, EXCEPTION_READERS),
    "monitoring-exception-respond": ("post", _exception, EXCEPTION_RESPONDERS),
    "monitoring-exception-link": ("post", _exception, EXCEPTION_DECIDERS),
    "monitoring-exception-new-measure": ("post", _exception, EXCEPTION_DECIDERS),
    "monitoring-exception-close": ("post", _exception, EXCEPTION_DECIDERS),
    "incident-create": ("get", None, AUTHORS),
    "incident-edit": ("get", _pg_incident, PG_REFERENCE_AUTHORS),
    "system-list": ("get", None, AUTHORS),
    "system-edit": ("get", _pg_system, PG_REFERENCE_AUTHORS),
    "regulatory-create": ("get", None, AUTHORS),
    "regulatory-edit": ("get", _pg_action, PG_REFERENCE_AUTHORS),
    "meeting-create": ("get", _committee, PROCEEDINGS),
    "recommendation-create": ("get", _committee, PROCEEDINGS),
    "meeting-edit": ("get", _meeting, PROCEEDINGS),
    "recommendation-edit": ("get", _recommendation, PROCEEDINGS),
    "measure-create": ("get", None, AUTHORS),
    "measure-edit": ("get", _pg_measure_owned_by_head_office, PG_AUTHORS),
    "measure-archive": ("post", _pg_measure_owned_by_head_office, PG_AUTHORS),
    "measure-move": (
        "post",
        _pg_measure_owned_by_head_office,
        PG_AUTHORS | {"pg_second": 302, "superuser": 302},
    ),
    "measure-reflect": ("post", _pg_measure_owned_by_head_office, PG_AUTHORS),
    "perspective-list": ("get", None, AUTHORS),
    "plan-import": ("get", None, AUTHORS),
    "plan-template": ("get", None, AUTHORS),
    "plan-export": ("get", _pg_organization, PG_AUTHORS),
    "organization-terms": ("get", _pg_organization, PG_AUTHORS),
    # An import is its requester's alone.
    "plan-import-run": ("get", _import_run, _all(404) | {"pg_second": 200}),
    "plan-import-confirm": ("post", _import_run, _all(404) | {"pg_second": 302}),
    "perspective-edit": ("get", _pg_perspective, PG_REFERENCE_AUTHORS),
    "root-cause-create": ("get", None, AUTHORS),
    "root-cause-edit": ("get", _pg_root_cause, PG_REFERENCE_AUTHORS),
    "change-request-list": ("get", None, _all(200)),
    "measure-bulk-status": ("get", None, _all(200)),
    # An empty form: shown again with its errors.
    "deputy-appoint": ("post", None, _all(200)),
    # Only the role holder ends a deputyship of their role.
    "deputy-end": ("post", _deputyship, _all(404) | {"pg_promoter": 302}),
    "change-request-create": ("post", _pg_measure_owned_by_head_office, PG_PROPOSERS),
    # Decided (an empty form: shown again) before it is withdrawn by its requester.
    "change-request-decide": ("post", _change_request, PG_AUTHORS),
    "change-request-withdraw": (
        "post",
        _change_request,
        {**PG_PROPOSERS, "pg_chief": 302, "pg_promoter": 302, "superuser": 302},
    ),
    "home": ("get", None, _all(200)),
    "measure-list": ("get", None, _all(200)),
    "measure-export": ("get", None, _all(200)),
    "incident-list": ("get", None, _all(200)),
    "root-causes": ("get", None, _all(200)),
    "responsibility": ("get", None, _all(200)),
    "committee-list": ("get", None, _all(200)),
    "regulatory-list": ("get", None, _all(200)),
    "set-language": ("post", None, _all(302) | {None: 302}),
    "health": ("get", None, _all(200) | {None: 200}),
    "notification-list": ("get", None, _all(200)),
    "notification-mark-read": ("post", None, _all(302)),
    "measure-detail": (
        "get",
        _pg_measure_owned_by_head_office,
        {None: LOGIN, **NOT_PG, **PG_READERS},
    ),
    # POSTs of an empty form: 200 is the form shown again with its errors (access granted).
    "measure-status": (
        "post",
        _pg_measure_owned_by_head_office,
        {None: LOGIN, **NOT_PG, **PG_WRITERS_FORM, "pg_auditor": 403},
    ),
    "measure-evidence": (
        "post",
        _pg_measure_owned_by_head_office,
        {None: LOGIN, **NOT_PG, **PG_WRITERS_FORM, "pg_auditor": 403},
    ),
    # Internal audit gives the verdict on the measures marked for the third line (the
    # service refuses it on the others).
    "measure-verify": (
        "post",
        _pg_measure_owned_by_head_office,
        {
            None: LOGIN,
            **NOT_PG,
            "pg_chief": 403,
            "pg_promoter": 403,
            "pg_second": 200,
            "pg_auditor": 200,
            "superuser": 200,
        },
    ),
    "measure-reopen": (
        "post",
        _pg_measure_owned_by_head_office,
        {
            None: LOGIN,
            **NOT_PG,
            "pg_chief": 403,
            "pg_promoter": 403,
            "pg_second": 200,
            "pg_auditor": 403,
            "superuser": 200,
        },
    ),
    "measure-comment": (
        "post",
        _pg_measure_owned_by_head_office,
        {None: LOGIN, **NOT_PG, **PG_READERS},
    ),
    "incident-detail": ("get", _pg_incident, {None: LOGIN, **NOT_PG, **PG_WHOLE_ORG}),
    "committee-detail": (
        "get",
        _committee,
        {None: LOGIN, **NOT_PG, **COMMITTEE_READERS},
    ),
    "login": ("get", None, _all(302) | {None: 200}),
    "logout": ("post", None, _all(302)),
    "logout-everywhere": ("post", None, _all(302)),
    "account": ("get", None, _all(200)),
    "otp-setup": ("get", None, _all(200)),
    "otp-verify": ("get", None, _all(200)),
    "audit-list": (
        "get",
        None,
        _all(403) | {"pg_second": 200, "pg_auditor": 200, "miraiz_second": 200, "superuser": 200},
    ),
    "audit-export": (
        "get",
        None,
        _all(403) | {"pg_second": 200, "pg_auditor": 200, "miraiz_second": 200, "superuser": 200},
    ),
    "api-measure": ("get", _pg_measure_owned_by_head_office, {None: LOGIN, **NOT_PG, **PG_READERS}),
    # POST with an empty form: 400 means the access check let the request through.
    "api-measure-status": (
        "post",
        _pg_measure_owned_by_head_office,
        {
            None: LOGIN,
            **NOT_PG,
            "pg_chief": 400,
            "pg_promoter": 400,
            "pg_second": 400,
            "pg_auditor": 403,
            "superuser": 400,
        },
    ),
    "api-measure-verify": (
        "post",
        _pg_measure_owned_by_head_office,
        {
            None: LOGIN,
            **NOT_PG,
            "pg_chief": 403,
            "pg_promoter": 403,
            "pg_second": 400,
            "pg_auditor": 400,
            "superuser": 400,
        },
    ),
    "evidence-download": ("get", _evidence, {None: LOGIN, **NOT_PG, **PG_READERS}),
    "committee-reports": ("get", _committee, {None: LOGIN, **NOT_PG, **COMMITTEE_READERS}),
    # An empty form: 200 is the form again with its errors (the second line and members ask).
    "report-create": (
        "post",
        _committee,
        {
            None: LOGIN,
            **NOT_PG,
            **COMMITTEE_READERS,
            "pg_chief": 403,
            "pg_auditor": 403,
        },
    ),
    "report-detail": ("get", _report, {None: LOGIN, **NOT_PG, **REPORT_READERS}),
    "report-download": ("get", _report, {None: LOGIN, **NOT_PG, **REPORT_READERS}),
    "report-tables": ("get", _report, {None: LOGIN, **NOT_PG, **REPORT_READERS}),
    "api-incident": ("get", _pg_incident, {None: LOGIN, **NOT_PG, **PG_WHOLE_ORG}),
    "api-root-cause": ("get", _pg_root_cause, {None: LOGIN, **NOT_PG, **PG_WHOLE_ORG}),
}


def _url_names(patterns, namespace="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin: superusers only, see test_admin_is_for_administrators
            names |= _url_names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"every URL has a name: {pattern}"
            names.add(pattern.name)
    return names


def test_every_url_has_an_entry():
    assert _url_names(get_resolver().url_patterns) == set(MATRIX)


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield pattern.name, prefix + str(pattern.pattern)


def test_no_two_urls_share_a_name_or_a_path():
    """An app's URL named or placed like another app's would be shadowed by it (the first
    in the urlconf wins), its page unreachable."""
    found = list(_patterns(get_resolver().url_patterns))
    names = [name for name, _path in found]
    paths = [path for _name, path in found]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
    assert len(paths) == len(set(paths)), sorted({p for p in paths if paths.count(p) > 1})


def test_every_view_declares_its_access():
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace != "admin":
            for sub in pattern.url_patterns:
                assert hasattr(sub.callback, "access_rule"), sub.name


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_matrix(role, client_for, evidence, finished_report, people):
    change = ms.change_request_submit(
        measure=Countermeasure.objects.get(code="PG-06"),
        kind="hold",
        reason="組織改編待ち",
        actor=people["pg_promoter"],
    )
    committee = Committee.objects.get(code="neutrality")
    promoter_role = people["pg_promoter"].role_assignments.get()
    activity = factories.access_log_check(actor=people["pg_second"])
    mon.monitoring_run_record(
        activity=activity,
        period_start=dt.date(2023, 4, 1),
        performed_on=dt.date(2023, 5, 8),
        scope="2023年4月分",
        result="exceptions",
        uploaded=SimpleUploadedFile("log.csv", b"user,at\n", content_type="text/csv"),
        actor=people["pg_second"],
    )
    exception = factories.monitoring_exception(activity=activity, actor=people["pg_second"])
    # Answered, so that its closing form is offered to whoever may close it.
    mon.monitoring_exception_respond(
        exception=exception, response="対応済み", actor=people["pg_promoter"]
    )
    finding = factories.finding(
        engagement=factories.engagement(actor=people["pg_auditor"]),
        actor=people["pg_auditor"],
        unit_code="pg-head-office-units",
    )
    registration = registry.registration_update(
        registration=factories.registration(),
        manager_unit=OrgUnit.objects.get(code="pg-head-office-units"),
        actor=None,
        reason="管理部署の指定",
    )
    reach = factories.exposure(actor=None, registration=registration)
    ctx = {
        "reach": reach,
        "proposal": registry.proposal_submit(
            item=reach.item, judgement="public", reason="再判定", actor=people["pg_promoter"]
        ),
        "finding": finding,
        "activity": activity,
        "exception": exception,
        "deputyship": gov.deputy_appoint(
            assignment=promoter_role,
            deputy=people["pg_branch_promoter"],
            valid_from=promoter_role.valid_from,
            valid_to=dt.date(2099, 12, 31),
            reason="代行",
            actor=None,
        ),
        "evidence": evidence,
        "report": finished_report,
        "change_request": change,
        "action": factories.regulatory_action(
            organization=committee.organization, items=["体制の整備"]
        ),
        # A clean check by the grid company's second line (its file is not kept: nothing
        # to import on confirmation, which answers with a redirect).
        "import_run": PlanImportRun.objects.create(
            requested_by=people["pg_second"],
            file_name="plan.xlsx",
            stored_name="gone.xlsx",
            organizations=["chubu-pg"],
            state="done",
            result={"problems": [], "counts": []},
        ),
        "recommendation": gov.recommendation_record(
            committee=committee,
            number=1,
            text="提言",
            received_on=dt.date(2023, 5, 1),
            actor=None,
        ),
    }
    got, wanted = {}, {}
    for name, (method, factory, expected) in MATRIX.items():
        if name in ("logout", "logout-everywhere"):
            continue  # they end the session; test_sign_out_urls checks them
        url = reverse(name, args=[factory(ctx)] if factory else [])
        response = getattr(client_for(role), method)(url)
        read(response)  # a download's file is read to the end and closed
        got[name], wanted[name] = response.status_code, expected[role]
    assert got == wanted


@pytest.mark.parametrize("name", ["logout", "logout-everywhere"])
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_sign_out_urls(name, role, client_for):
    response = client_for(role).post(reverse(name))
    assert response.status_code == MATRIX[name][2][role]


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_admin_is_for_administrators(role, client_for):
    client = client_for(role)
    for url in (reverse("admin:index"), reverse("admin:governance_roleassignment_changelist")):
        response = client.get(url, follow=True)
        if role == "superuser":
            assert response.status_code == 200
        elif role is None:
            assert response.redirect_chain[-1][0].startswith(reverse("login"))
            assert response.status_code == 200
        else:
            assert response.status_code == 404
