"""The daily sweep: what each person hears about, once, and what goes up the hierarchy."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from governance import services as gov
from governance.models import OrgUnit, RoleAssignment
from measures import services as ms
from measures.models import Countermeasure
from reminders.delivery import TransientMailError, digest_send
from reminders.models import Digest, Escalation, Notification, ReminderMark
from reminders.sweep import reminders_sweep
from reminders.tasks import send_digest

D = dt.date


def _items(user, day):
    digest = Digest.objects.get(user=user, day=day)
    return sorted((i["kind"], i["title"].split()[0], i.get("n")) for i in digest.items)


def test_digest_contents_as_of_a_day(plan):
    report = reminders_sweep(day=D(2023, 9, 1), send="now")
    promoter = plan["pg_promoter"]
    assert _items(promoter, D(2023, 9, 1)) == [("due", "PG-06", 30), ("start", "PG-06", None)]
    # Table 3-2 items due in 2023年度上期 go to the retailer's second line (their owner unit
    # holds no first-line role), never to the grid company's people.
    miraiz = {
        i["title"].split()[0]
        for i in Digest.objects.get(user=plan["miraiz_second"], day=D(2023, 9, 1)).items
    }
    assert {"MZ-02-1", "MZ-05-5", "MZ-06-3"} <= miraiz
    assert not any(
        t.startswith("MZ")
        for t in (
            i["title"] for d in Digest.objects.exclude(user=plan["miraiz_second"]) for i in d.items
        )
    )
    assert len(mail.outbox) == len(report.digests)
    message = next(m for m in mail.outbox if m.to == [promoter.email])
    assert "PG-06" in message.body and "期限" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert f"/measures/{Countermeasure.objects.get(code='PG-06').pk}/" in message.body


def test_a_second_run_the_same_day_sends_nothing(plan):
    first = reminders_sweep(day=D(2023, 9, 1), send="now")
    sent = len(mail.outbox)
    second = reminders_sweep(day=D(2023, 9, 1), send="now")
    assert first.digests and not second.digests
    assert len(mail.outbox) == sent
    assert Digest.objects.filter(day=D(2023, 9, 1)).count() == len(first.digests)


def test_a_reminder_given_once_is_not_repeated_the_next_day(plan):
    reminders_sweep(day=D(2023, 9, 1), send="now")
    reminders_sweep(day=D(2023, 9, 2), send="now")
    assert not Digest.objects.filter(user=plan["pg_promoter"], day=D(2023, 9, 2)).exists()


def test_a_missed_day_is_caught_up(plan):
    # No sweep ran while PG-06 entered its 30-day window; the first run after does remind.
    reminders_sweep(day=D(2023, 9, 5), send="now")
    assert ("due", "PG-06", 30) in _items(plan["pg_promoter"], D(2023, 9, 5))
    # Then the 7-day reminder, on whatever day the next run comes inside that window.
    reminders_sweep(day=D(2023, 9, 26), send="now")
    assert _items(plan["pg_promoter"], D(2023, 9, 26)) == [("due", "PG-06", 7)]
    assert (
        ReminderMark.objects.filter(user=plan["pg_promoter"], key__startswith="due:").count() == 2
    )


def test_overdue_escalates_step_by_step(plan):
    measure = Countermeasure.objects.get(code="PG-06")
    reminders_sweep(day=D(2023, 10, 10), send="now")  # 10 days overdue: the owner only
    assert ("overdue", "PG-06", 10) in _items(plan["pg_promoter"], D(2023, 10, 10))
    escalations = Escalation.objects.filter(measure=measure)
    assert not escalations.exists()
    reminders_sweep(day=D(2023, 10, 15), send="now")  # 15 days: the 遵守責任者 above
    assert _items(plan["pg_manager"], D(2023, 10, 15)) == [("escalation", "PG-06", 15)]
    assert list(escalations.values_list("level", flat=True)) == [1]
    reminders_sweep(day=D(2023, 10, 31), send="now")  # 31 days: the top and the second line
    top = {plan["pg_chief"], plan["pg_second"]}
    for person in top:
        assert ("escalation", "PG-06", 31) in _items(person, D(2023, 10, 31))
    escalation = escalations.get(level=2)
    assert escalation.days_overdue == 31
    assert set(escalation.recipients) == {p.pk for p in top}
    page = plan["superuser"]
    from django.test import Client

    from tests.conftest import login_verified

    client = Client()
    login_verified(client, page)
    detail = client.get(reverse("measure-detail", args=[measure.pk]))
    assert [e.level for e in detail.context["escalations"]] == [1, 2]
    assert "レベル2にエスカレーション（31日超過）" in detail.content.decode()


def test_role_holders_change_mid_period(plan):
    old = plan["pg_promoter"]
    gov.role_end(
        assignment=RoleAssignment.objects.get(user=old),
        last_day=D(2023, 9, 15),
        actor=plan["superuser"],
    )
    new = old.__class__.objects.create_user("pg_promoter2", "new@example.invalid", "x" * 16)
    gov.role_assign(
        user=new,
        role="promoter",
        org_unit=OrgUnit.objects.get(code="pg-head-office-units"),
        valid_from=D(2023, 9, 16),
        actor=plan["superuser"],
    )
    reminders_sweep(day=D(2023, 9, 20), send="now")
    assert ("due", "PG-06", 30) in _items(new, D(2023, 9, 20))
    assert not Digest.objects.filter(user=old).exists()


def test_digest_in_the_persons_language(plan):
    plan["pg_promoter"].language = "en"
    plan["pg_promoter"].save(update_fields=["language"])
    reminders_sweep(day=D(2023, 9, 1), send="now")
    message = next(m for m in mail.outbox if m.to == [plan["pg_promoter"].email])
    assert message.subject.startswith("[Threelines] 2 reminders")
    assert "due within 30 days" in message.body
    other = next(m for m in mail.outbox if m.to == [plan["miraiz_second"].email])
    assert "件のお知らせ" in other.subject  # the default language


def test_transient_smtp_error_is_retried_then_succeeds(plan, settings):
    from tests.reminders.conftest import FlakyBackend

    settings.EMAIL_BACKEND = "tests.reminders.conftest.FlakyBackend"
    FlakyBackend.calls = 0
    report = reminders_sweep(day=D(2023, 9, 1), send="no")
    digest = next(d for d in report.digests if d.user == plan["pg_promoter"])
    with pytest.raises(TransientMailError):
        digest_send(digest_id=digest.pk)
    digest.refresh_from_db()
    assert (digest.state, digest.attempts) == ("pending", 1)
    assert "connection lost" in digest.last_error
    assert digest_send(digest_id=digest.pk) == "sent"
    digest.refresh_from_db()
    assert (digest.state, digest.attempts) == ("sent", 2)
    assert send_digest.autoretry_for == (TransientMailError,)
    assert send_digest.retry_backoff == 30


def test_permanent_failure_is_recorded_and_shown_to_the_second_line(plan, settings, client_for):
    settings.EMAIL_BACKEND = "tests.reminders.conftest.RefusingBackend"
    report = reminders_sweep(day=D(2023, 9, 1), send="now")
    digest = Digest.objects.get(
        pk=next(d.pk for d in report.digests if d.user == plan["pg_promoter"])
    )
    assert digest.state == "failed"
    assert "no such user" in digest.last_error
    dashboard = client_for("pg_second").get(reverse("home"))
    assert digest in list(dashboard.context["failed_digests"])
    other = client_for("miraiz_second").get(reverse("home"))
    assert digest not in list(other.context["failed_digests"])


def test_a_digest_is_sent_once_even_when_two_workers_try(plan):
    report = reminders_sweep(day=D(2023, 9, 1), send="no")
    digest = report.digests[0]
    assert digest_send(digest_id=digest.pk) == "sent"
    assert digest_send(digest_id=digest.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_dry_run_prints_and_writes_nothing(plan):
    out = io.StringIO()
    call_command("send_reminders", "--date", "2023-09-01", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "pg_promoter <pg_promoter@example.invalid>" in text
    assert "PG-06" in text and "30日以内に期限" in text
    assert not Digest.objects.exists() and not Notification.objects.exists()
    assert not mail.outbox


def test_the_command_sends(plan):
    out = io.StringIO()
    call_command("send_reminders", "--date", "2023-09-01", stdout=out)
    assert "2023-09-01:" in out.getvalue()
    assert mail.outbox


def test_notifications_in_the_app(plan, client_for):
    reminders_sweep(day=D(2023, 9, 1), send="now")
    client = client_for("pg_promoter")
    page = client.get(reverse("notification-list"))
    notes = list(page.context["page"])
    assert [n.kind for n in notes] == ["due", "start"] or sorted(n.kind for n in notes) == [
        "due",
        "start",
    ]
    other = Notification.objects.exclude(user=plan["pg_promoter"]).first()
    client.post(reverse("notification-mark-read"), {"id": [notes[0].pk, other.pk]})
    assert Notification.objects.get(pk=notes[0].pk).read_at is not None
    assert Notification.objects.get(pk=other.pk).read_at is None  # not theirs
    assert client.get(reverse("notification-list")).context["unread"] == 1


def test_bench_reminders_runs_and_keeps_nothing(seed):
    before = Countermeasure.objects.count()
    out = io.StringIO()
    call_command("bench_reminders", "--measures", "50", stdout=out)
    assert "98 measures, sweep for 2023-09-01" in out.getvalue()
    assert Countermeasure.objects.count() == before


def test_switching_language_is_remembered_for_mails(plan, client_for):
    client = client_for("pg_promoter")
    client.post(reverse("set-language"), {"language": "en", "next": "/"})
    plan["pg_promoter"].refresh_from_db()
    assert plan["pg_promoter"].language == "en"


def test_a_digest_abandoned_while_sending_is_sent_by_the_next_sweep(plan):
    import time_machine
    from django.utils import timezone

    report = reminders_sweep(day=D(2023, 9, 1), send="no")
    digest = report.digests[0]
    Digest.objects.filter(pk=digest.pk).update(state="sending", claimed_at=timezone.now())
    assert digest_send(digest_id=digest.pk) == "skipped"  # another worker is on it
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        again = reminders_sweep(day=D(2023, 9, 1), send="now")
    assert digest.pk in again.requeued
    digest.refresh_from_db()
    assert digest.state == "sent"
    # Every digest still waiting went out with it, each once.
    assert len(mail.outbox) == len(again.requeued) == len(report.digests)


def test_a_digest_that_never_went_out_is_superseded_by_the_next_days(plan):
    first = reminders_sweep(day=D(2023, 9, 1), send="no")  # the mail server was down all day
    mine = next(d for d in first.digests if d.user == plan["pg_promoter"])
    reminders_sweep(day=D(2023, 9, 2), send="now")
    mine.refresh_from_db()
    assert mine.state == "superseded"
    # Its reminders come in the next day's digest instead, which says so: one mail.
    assert _items(plan["pg_promoter"], D(2023, 9, 2)) == [
        ("carried", "2023-09-01", None),
        ("due", "PG-06", 30),
        ("start", "PG-06", None),
    ]
    carried = Notification.objects.get(user=plan["pg_promoter"], kind="carried")
    assert "送信できなかった" in carried.reason
    assert [m.to for m in mail.outbox].count([plan["pg_promoter"].email]) == 1


def test_exhausted_retries_mark_the_digest_failed(plan):
    from reminders.delivery import digest_give_up

    report = reminders_sweep(day=D(2023, 9, 1), send="no")
    digest = report.digests[0]
    digest_give_up(digest_id=digest.pk, error="SMTPServerDisconnected")
    digest.refresh_from_db()
    assert digest.state == "failed"
    assert "gave up after retries" in digest.last_error


def test_the_command_goes_on_after_a_transient_failure(plan, settings):
    from tests.reminders.conftest import FlakyBackend

    settings.EMAIL_BACKEND = "tests.reminders.conftest.FlakyBackend"
    FlakyBackend.calls = 0
    call_command("send_reminders", "--date", "2023-09-01", stdout=io.StringIO())
    states = sorted(Digest.objects.values_list("state", flat=True))
    assert states == ["pending", "sent"]  # the first failed (left for the next run), the other went


def test_level_two_goes_only_to_executives_who_can_see_the_measure(plan):
    branch_exec = plan["pg_chief"].__class__.objects.create_user(
        "branch_exec", "branch_exec@example.invalid", "x" * 16
    )
    gov.role_assign(
        user=branch_exec,
        role="executive",
        org_unit=OrgUnit.objects.get(code="pg-branches"),
        valid_from=D(2023, 4, 1),
        actor=plan["superuser"],
    )
    reminders_sweep(day=D(2023, 10, 31), send="now")
    assert not Digest.objects.filter(user=branch_exec).exists()
    assert ("escalation", "PG-06", 31) in _items(plan["pg_chief"], D(2023, 10, 31))


def test_a_passed_regulator_deadline_is_reminded_even_after_missed_days(plan):
    from governance.models import Organization

    gov.regulatory_action_record(
        organization=Organization.objects.get(code="chubu-pg"),
        authority="meti",
        action_type="report_request",
        reference="R-9",
        title="報告徴収（試験）",
        issued_on=D(2023, 8, 1),
        response_due=D(2023, 9, 10),
        actor=plan["superuser"],
    )
    reminders_sweep(day=D(2023, 9, 15), send="now")  # no sweep ran from 9/1 to 9/14
    kinds = [
        i["kind"] for i in Digest.objects.get(user=plan["pg_second"], day=D(2023, 9, 15)).items
    ]
    assert "regulatory_passed" in kinds


def test_absurd_notification_ids_are_ignored(plan, client_for):
    response = client_for("pg_promoter").post(reverse("notification-mark-read"), {"id": ["9" * 30]})
    assert response.status_code == 302


def _digest_kinds(user, day):
    digest = Digest.objects.filter(user=user, day=day).first()
    return [(i["kind"], i.get("n")) for i in digest.items] if digest else []


@pytest.mark.parametrize("report_state", [None, "queued", "done", "failed"])
def test_a_meeting_without_its_report_is_reminded_before_it(plan, report_state):
    from governance.models import Committee
    from reports.models import Report

    committee = Committee.objects.get(code="neutrality")
    meeting = gov.meeting_record(
        committee=committee, number=2, held_on=D(2023, 10, 20), actor=plan["superuser"]
    )
    if report_state:
        Report.objects.create(
            committee=committee,
            meeting=meeting,
            as_of=D(2023, 9, 30),
            state=report_state,
            sha256="0" * 64 if report_state == "done" else "",
            size=1 if report_state == "done" else None,
        )
    second = plan["pg_second"]
    secretary = plan["pg_chief"].__class__.objects.create_user("secretary", "s@example.invalid")
    gov.committee_member_add(
        committee=committee,
        display_name="事務局",
        user=secretary,
        position="secretariat",
        valid_from=D(2023, 4, 1),
        actor=plan["superuser"],
    )
    reminders_sweep(day=D(2023, 10, 5), send="now")  # 15 days before: not yet
    assert ("meeting", 14) not in _digest_kinds(second, D(2023, 10, 5))
    reminders_sweep(day=D(2023, 10, 6), send="now")
    reminders_sweep(day=D(2023, 10, 7), send="now")
    reminders_sweep(day=D(2023, 10, 15), send="now")  # missed days: the 7-day reminder anyway
    reminders_sweep(day=D(2023, 10, 21), send="now")  # the meeting is over
    given = [
        (day.day, kind_n)
        for day in (D(2023, 10, 6), D(2023, 10, 7), D(2023, 10, 15), D(2023, 10, 21))
        for kind_n in _digest_kinds(second, day)
        if kind_n[0] == "meeting"
    ]
    if report_state in ("queued", "done"):
        assert given == []
    else:
        assert given == [(6, ("meeting", 14)), (15, ("meeting", 7))]
        digest = Digest.objects.get(user=second, day=D(2023, 10, 6))
        item = next(i for i in digest.items if i["kind"] == "meeting")
        assert item["url"].endswith(f"/committees/{committee.pk}/reports/")
        assert ("meeting", 14) in _digest_kinds(secretary, D(2023, 10, 6))
    # Only those who may generate the report hear of it.
    assert not Digest.objects.filter(
        user__in=[plan["pg_promoter"], plan["committee_member"]], notifications__kind="meeting"
    ).exists()


def test_notifications_written_in_bulk_keep_every_character(plan):
    """The sweep writes notifications with COPY on PostgreSQL: tabs, line breaks,
    backslashes, quotes and empty values come back as they went in, and the digest's lines
    (the mail) are its notifications in the order given."""
    from django.utils import timezone

    from core.db import copy_rows

    digest = reminders_sweep(day=D(2023, 9, 1), send="no").digests[0]
    before = digest.items
    awkward = ["タブ\tと\n改行", "back\\slash \\N", "引用符 \" ' ,", ""]
    copy_rows(
        Notification,
        ["user_id", "digest_id", "kind", "title", "n", "level", "url", "due", "created_at"],
        [
            (digest.user_id, digest.pk, "due", t, None, 2, "/x\t/", "", timezone.now())
            for t in awkward
        ],
    )
    after = Digest.objects.get(pk=digest.pk).items
    assert after[: len(before)] == before
    assert [i["title"] for i in after[len(before) :]] == awkward
    assert {(i["n"], i["level"], i["url"]) for i in after[len(before) :]} == {(None, 2, "/x\t/")}


def test_change_requests_reach_the_second_line_and_the_decision_the_requester(plan):
    today = timezone.localdate()
    change = ms.change_request_submit(
        measure=Countermeasure.objects.get(code="PG-06"),
        kind="hold",
        reason="組織改編待ち",
        actor=plan["pg_promoter"],
    )
    reminders_sweep(day=today, send="now")
    pending = Notification.objects.get(user=plan["pg_second"], kind="change_pending")
    assert pending.title.startswith("PG-06")
    assert "決定待ち" in pending.reason
    assert not Notification.objects.filter(user=plan["pg_promoter"], kind="change_pending")
    ms.change_request_decide(
        change=change, approve=False, note="継続が必要", actor=plan["pg_second"]
    )
    tomorrow = today + dt.timedelta(days=1)
    reminders_sweep(day=tomorrow, send="now")
    refused = Notification.objects.get(user=plan["pg_promoter"], kind="change_refused")
    assert refused.digest.day == tomorrow
    assert "却下" in refused.reason
    # The pending request was reminded once, not again the next day.
    assert Notification.objects.filter(kind="change_pending").count() == 1


def test_a_stuck_digest_is_queued_again_the_same_day_not_lost(plan, monkeypatch):
    """Issue 21, finding 8: a digest left sending by a killed worker (or pending while the
    broker was down) is taken up by the 10-minute task, not superseded the next day."""
    import time_machine

    from reminders import sweep as sweep_module
    from reminders.sweep import digests_requeue

    queued = []
    monkeypatch.setattr(sweep_module, "try_enqueue", lambda task, pk: queued.append(pk) or True)
    today = timezone.localdate()
    report = reminders_sweep(day=today, send="no")  # the broker was down
    killed, waiting = report.digests[0], report.digests[1:]
    Digest.objects.filter(pk=killed.pk).update(state="sending", claimed_at=timezone.now())
    assert digests_requeue(today=today) == []  # not stuck yet
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        ids = digests_requeue(today=today)
    assert set(ids) == {d.pk for d in report.digests}
    assert queued == ids
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        for digest_id in ids:
            digest_send(digest_id=digest_id)
    assert {d.state for d in Digest.objects.filter(day=today)} == {"sent"}
    assert len(mail.outbox) == 1 + len(waiting)


def test_the_second_line_sees_stuck_and_superseded_digests(plan, client_for):
    first = reminders_sweep(day=D(2023, 9, 1), send="no")
    mine = next(d for d in first.digests if d.user == plan["pg_promoter"])
    reminders_sweep(day=D(2023, 9, 2), send="no")
    Digest.objects.filter(day=D(2023, 9, 2)).update(day=timezone.localdate())
    Digest.objects.filter(pk=mine.pk).update(day=timezone.localdate() - dt.timedelta(days=1))
    page = client_for("pg_second").get(reverse("home")).content.decode()
    assert "後の日のダイジェストに引き継がれ未送信" in page
