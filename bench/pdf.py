"""Time to render each signed document (prints; asserts nothing). Aim: under half a second each.

    .venv/bin/python bench/pdf.py [--out DIR]

Renders the agreement and the parent/carer contract from unsaved records
(no database needed), each signed, five times after one warm-up, and prints
the best and the mean. With --out it also writes the PDFs, to look at with
`pdftoppm -png -r 60 DIR/agreement.pdf DIR/agreement`.
"""

import os
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "altprov.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from altprov.models import School  # noqa: E402
from altprov.pdf import render_pdf  # noqa: E402
from placements.models import (  # noqa: E402
    Agreement,
    AgreementTemplate,
    ParentContract,
    Placement,
    Signature,
    SignerRole,
    SignMethod,
)
from placements.models.agreements import ATTENDANCE_COMMITMENT  # noqa: E402

LONDON = ZoneInfo("Europe/London")
SIGNED = datetime(2026, 11, 20, 10, 42, tzinfo=LONDON)


def documents():
    school = School(
        name="Northfield Academy",
        urn="137001",
        address="1 School Lane\nTownley\nTW1 1AA",
        phone="01632 960000",
        dsl_name="Sam Patel",
        dsl_phone="01632 960001",
        dsl_email="dsl@northfield.test",
    )
    placement = Placement(school=school)
    template = AgreementTemplate(school=school, version=1)
    common = {
        "placement": placement,
        "version": 1,
        "status": "signed",
        "frozen_at": SIGNED,
        "learner_name": "Zara Okafor",
        "provider_name": "Riverside Skills",
        "site": "Main workshop, 4 Mill Road, Townley TW2 2BB",
        "start_date": date(2026, 11, 30),
        "target_end_date": date(2027, 3, 26),
        "timetable": "Monday AM, Tuesday AM, Wednesday PM",
        "targets": "Attend 95% of sessions (now: 62%; measured by: session marks)\n"
        "Entry level 3 in motor vehicle studies (now: entry 2; measured by: provider's assessments)",
    }
    agreement = Agreement(
        **common,
        template=template,
        provider_expectations=template.provider_expectations,
        school_expectations=template.school_expectations,
        learner_dob=date(2011, 5, 4),
        hours="8.5 hours a week (3 sessions)",
        review_dates="Every 6 weeks from Monday 30 November 2026.",
        attendance_code="B: Arranged by the school (code B).",
        dsl_contact="Sam Patel, DSL: 01632 960001, dsl@northfield.test.",
        suspension="The school tells the provider the same day.",
    )
    contract = ParentContract(
        **common,
        reasons="Not attending school regularly\nSmall-group vocational learning to rebuild attendance.",
        responsibilities="Parents/carers: make sure the learner goes to every session.",
        attendance_commitment=ATTENDANCE_COMMITMENT,
        review_timescales="Every 6 weeks.",
        contacts="Northfield Academy: 01632 960000",
    )
    sign = {"signed_at": SIGNED, "declaration": True, "requested_at": SIGNED}
    agreement_signatures = [
        Signature(role=SignerRole.HEAD, name="Helen Head", method=SignMethod.STAFF, **sign),
        Signature(role=SignerRole.PROVIDER, name="Dana Reeve", method=SignMethod.LINK, **sign),
    ]
    contract_signatures = [
        Signature(role=SignerRole.PARENT, name="Grace Okafor", method=SignMethod.LINK, **sign),
    ]
    return [
        ("agreement", "pdf/agreement.html", {"document": agreement, "signatures": agreement_signatures}),
        ("contract", "pdf/contract.html", {"document": contract, "signatures": contract_signatures}),
    ], school


def main() -> None:
    out = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else None
    found, school = documents()
    for name, template, context in found:
        context = {**context, "school": school}
        data = render_pdf(template, context)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            render_pdf(template, context)
            times.append(time.perf_counter() - start)
        print(f"{name}: best {min(times):.3f} s, mean {statistics.mean(times):.3f} s, {len(data):,} bytes")
        if out:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{name}.pdf").write_bytes(data)


if __name__ == "__main__":
    main()
