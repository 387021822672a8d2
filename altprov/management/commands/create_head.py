"""The first head teacher's account on a new installation.

    manage.py create_head --email head@school.example --school "Northfield Academy" --urn 137001

Creates the school if no school has that URN (its address, phone and DSL are
then filled in by the head on the school settings page), the account (the
username is the email address) and the head's membership of the school. The
password is asked for twice, or read from HEAD_PASSWORD when set (for scripts).
A second factor is set up at the first sign-in.
"""

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from altprov.models import Membership, Role, School, User


class Command(BaseCommand):
    help = "Create the first head teacher's account and their school's membership (a new installation)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--school", required=True, help="The school's name.")
        parser.add_argument("--urn", required=True, help="The school's six-digit unique reference number.")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, email, school, urn, first_name, last_name, **options):
        email = email.strip().lower()
        if not urn.isdigit() or len(urn) != 6:
            raise CommandError("The URN is six digits.")
        if User.objects.filter(username=email).exists():
            raise CommandError("An account with that email address exists already.")
        password = self._password(
            User(username=email, email=email, first_name=first_name, last_name=last_name)
        )
        with transaction.atomic():
            found = School.objects.filter(urn=urn).first()
            if found and found.name != school:
                raise CommandError(f"URN {urn} belongs to another school: {found.name}.")
            if not found and School.objects.filter(name=school).exists():
                raise CommandError("A school of that name has another URN.")
            school_row = found or School.objects.create(name=school, urn=urn)
            user = User.objects.create_user(
                username=email, email=email, password=password, first_name=first_name, last_name=last_name
            )
            Membership.objects.create(user=user, school=school_row, role=Role.HEAD)
        self.stdout.write(
            f"Head teacher account {email} created at {school_row.name}. "
            "Sign in to set up the second factor, then fill in the school's details."
        )

    def _password(self, user: User) -> str:
        password = os.environ.get("HEAD_PASSWORD")
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return password
