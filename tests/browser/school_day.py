"""What the browser journeys share: a term around the day they run on, and a member of staff."""

from datetime import date, timedelta

from altprov.models import Role

from ..factories import MembershipFactory, TermFactory, UserFactory


def term_around(school, day: date):
    """A term from two months before `day` to two months after, its half term a month ahead."""
    return TermFactory(
        school=school,
        start_date=day - timedelta(days=60),
        end_date=day + timedelta(days=60),
        half_term_start=day + timedelta(days=30),
        half_term_end=day + timedelta(days=34),
    )


def staff(school, role: Role, username: str, first_name: str, last_name: str):
    user = UserFactory(username=username, first_name=first_name, last_name=last_name)
    MembershipFactory(user=user, school=school, role=role)
    return user
