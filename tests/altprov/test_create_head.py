import pytest
from django.core.management import CommandError, call_command

from altprov.models import Membership, Role, School, User

from ..factories import SchoolFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def test_creates_the_school_the_account_and_the_head_membership(monkeypatch, capsys):
    monkeypatch.setenv("HEAD_PASSWORD", PASSWORD)
    call_command("create_head", email="Head@Northfield.example", school="Northfield Academy", urn="137001")
    user = User.objects.get()
    assert user.username == user.email == "head@northfield.example"
    assert user.check_password(PASSWORD)
    assert Membership.objects.get().role == Role.HEAD
    assert School.objects.get().name == "Northfield Academy"
    assert "second factor" in capsys.readouterr().out


def test_an_existing_school_is_joined_not_duplicated(monkeypatch):
    monkeypatch.setenv("HEAD_PASSWORD", PASSWORD)
    school = SchoolFactory(name="Northfield Academy", urn="137001")
    call_command("create_head", email="head@northfield.example", school="Northfield Academy", urn="137001")
    assert Membership.objects.get().school == school


@pytest.mark.parametrize(
    ("password", "urn", "message"),
    [("short", "137001", "too short"), (PASSWORD, "13700", "six digits")],
)
def test_a_weak_password_or_bad_urn_creates_nothing(monkeypatch, password, urn, message):
    monkeypatch.setenv("HEAD_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("create_head", email="head@northfield.example", school="Northfield Academy", urn=urn)
    assert not User.objects.exists() and not School.objects.exists()
