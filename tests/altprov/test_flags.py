"""The flag engine (altprov.flags): raise once per key, escalate in bulk, resolve, close, who was told."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from altprov import flags
from altprov.models import Flag, FlagNotice, FlagStage, Role
from altprov.notifications import Notice

from ..factories import MembershipFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

KIND = flags.register(
    flags.FlagKind(name="test_kind", label="Test item", roles=(Role.ADMIN,), escalate_to=(Role.PASTORAL,))
)


def spec(school, n: int, *, escalate_in: timedelta | None = timedelta(hours=2), subject=None):
    now = timezone.now()
    return flags.FlagSpec(
        key=f"test:{school.pk}:{n}",
        school_id=school.pk,
        summary=f"Item {n} needs doing",
        url=f"/somewhere/{n}/",
        subject=subject,
        escalate_at=now + escalate_in if escalate_in is not None else None,
    )


def test_raising_twice_keeps_one_flag_and_announces_it_once(school):
    now = timezone.now()
    first = flags.raise_flags(KIND, [spec(school, 1), spec(school, 2)], now=now)
    second = flags.raise_flags(KIND, [spec(school, 1), spec(school, 2), spec(school, 3)], now=now)

    assert Flag.objects.count() == 3
    assert first.new == {f"test:{school.pk}:1", f"test:{school.pk}:2"}
    assert second.new == {f"test:{school.pk}:3"}
    assert Flag.objects.get(key=f"test:{school.pk}:1").roles == ",admin,"


def test_a_flag_points_at_its_subject_without_a_foreign_key_to_the_app(school):
    provider = ProviderFactory()
    flags.raise_flags(KIND, [spec(school, 1, subject=provider)], now=timezone.now())

    flag = Flag.objects.get()
    assert flag.subject == provider
    assert list(Flag.objects.about(provider)) == [flag]


def test_escalation_is_one_update_for_every_due_flag_and_happens_once(school, django_assert_max_num_queries):
    now = timezone.now()
    flags.raise_flags(
        KIND, [spec(school, n, escalate_in=timedelta(minutes=-n)) for n in range(1, 6)], now=now
    )
    flags.raise_flags(KIND, [spec(school, 9, escalate_in=timedelta(hours=1))], now=now)

    with CaptureQueriesContext(connection) as queries:
        escalated = flags.escalate_due(KIND, now=now)
    # One UPDATE claims them all, one SELECT reads what this call claimed.
    assert len(queries) == 2
    assert len(escalated) == 5
    assert {f.stage for f in escalated} == {FlagStage.ESCALATED}
    assert all(f.roles == ",admin,pastoral," for f in escalated)
    assert Flag.objects.get(key=f"test:{school.pk}:9").stage == FlagStage.RAISED
    assert flags.escalate_due(KIND, now=now) == []


def test_a_resolved_flag_never_escalates(school):
    now = timezone.now()
    flags.raise_flags(KIND, [spec(school, 1, escalate_in=timedelta(minutes=-1))], now=now)
    assert flags.resolve(Flag.objects.all(), reason="Done by the job", now=now) == 1

    assert flags.escalate_due(KIND, now=now) == []
    flag = Flag.objects.get()
    assert (flag.resolution, flag.resolved_by) == ("Done by the job", None)
    # Resolving again changes nothing: the first reason stays.
    assert flags.resolve(Flag.objects.all(), reason="Again") == 0


def test_resolve_each_keeps_each_flags_own_reason(school):
    flags.raise_flags(KIND, [spec(school, 1), spec(school, 2)], now=timezone.now())
    one, two = Flag.objects.order_by("key")
    assert flags.resolve_each({one.pk: "Marks arrived", two.pk: "Placement ended"}) == 2
    assert dict(Flag.objects.values_list("pk", "resolution")) == {
        one.pk: "Marks arrived",
        two.pk: "Placement ended",
    }


def test_a_person_closes_a_flag_with_a_reason_once(school, admin_assistant):
    flags.raise_flags(KIND, [spec(school, 1)], now=timezone.now())
    flag = Flag.objects.get()

    assert flags.close(flag, by=admin_assistant, reason="Phoned them") is True
    assert flags.close(flag, by=admin_assistant, reason="Again") is False
    flag.refresh_from_db()
    assert (flag.resolved_by, flag.resolution) == (admin_assistant, "Phoned them")


def test_telling_records_who_was_told_how_and_when(school, admin_assistant, mailoutbox):
    now = timezone.now()
    raised = flags.raise_flags(KIND, [spec(school, 1)], now=now)
    flag = raised.flags[f"test:{school.pk}:1"]
    notice = Notice(
        users=[admin_assistant],
        school=school,
        key=f"flag:{flag.pk}:raised",
        subject="Item 1 needs doing",
        body="Item 1 needs doing.",
    )
    flags.tell([flags.Telling(flag, notice, "the admin assistants")], now=now)

    told = FlagNotice.objects.get()
    assert (told.flag, told.user, told.audience, told.at) == (
        flag,
        admin_assistant,
        "the admin assistants",
        now,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_raising_at_once_announce_each_flag_once(school):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent transactions need PostgreSQL")
    announced = []
    barrier = threading.Barrier(4)

    def worker():
        try:
            barrier.wait()
            raised = flags.raise_flags(KIND, [spec(school, n) for n in range(5)], now=timezone.now())
            announced.extend(raised.new)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Flag.objects.count() == 5
    assert sorted(announced) == sorted(f"test:{school.pk}:{n}" for n in range(5))


def test_needs_doing_lists_flags_for_my_roles_or_that_i_was_told_about_most_urgent_first(
    school, other_school, admin_assistant, head
):
    now = timezone.now()
    flags.raise_flags(
        KIND,
        [spec(school, 1), spec(school, 2, escalate_in=timedelta(minutes=-1)), spec(other_school, 3)],
        now=now,
    )
    flags.escalate_due(KIND, now=now, school_ids=[school.pk])
    closed = flags.raise_flags(KIND, [spec(school, 4)], now=now).flags[f"test:{school.pk}:4"]
    flags.close(closed, by=admin_assistant, reason="Done")

    mine = list(flags.needs_doing(admin_assistant, school.pk, [Role.ADMIN]))
    assert [f.key for f in mine] == [f"test:{school.pk}:2", f"test:{school.pk}:1"]
    # The head holds no responsible role, so sees a flag only once told about it.
    assert list(flags.needs_doing(head, school.pk, [Role.HEAD])) == []
    FlagNotice.objects.create(flag=mine[1], user=head, audience="the head", at=now)
    assert [f.key for f in flags.needs_doing(head, school.pk, [Role.HEAD])] == [f"test:{school.pk}:1"]


def test_home_page_lists_what_needs_doing_with_links(client, school, admin_assistant):
    flags.raise_flags(KIND, [spec(school, 1)], now=timezone.now())
    client.force_login(admin_assistant)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert b"Item 1 needs doing" in response.content
    assert b'href="/somewhere/1/"' in response.content


def test_home_page_of_another_school_shows_none_of_its_flags(client, school, other_school):
    flags.raise_flags(KIND, [spec(other_school, 1)], now=timezone.now())
    outsider = UserFactory()
    MembershipFactory(user=outsider, school=school, role=Role.ADMIN)
    client.force_login(outsider)

    response = client.get(reverse("home"))

    assert b"Item 1 needs doing" not in response.content
    assert b"Nothing needs doing by you" in response.content
