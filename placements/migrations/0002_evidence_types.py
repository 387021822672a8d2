from django.db import migrations

# The evidence the policy ("Suitability of Providers") and the non-school AP
# national standards (Aug 2025) ask for. Which are mandatory is set in the admin.
EVIDENCE_TYPES = [
    ("safeguarding-checks", "Written confirmation of staff safeguarding checks", True, False),
    ("child-protection-policy", "Child protection and safeguarding policy", True, False),
    ("health-safety-policy", "Health and safety policy", True, False),
    ("behaviour-policy", "Behaviour policy including physical intervention", True, False),
    ("risk-assessments", "Risk assessments", True, False),
    ("insurance", "Employer's and public liability insurance", True, False),
    ("school-policy-confirmation", "Confirmation the provider holds and follows the school's child protection and safeguarding policies", True, True),
    ("data-sharing", "Data-sharing agreement", False, False),
    ("sla", "Service level agreement", False, False),
]


def add_types(apps, schema_editor):
    EvidenceType = apps.get_model("placements", "EvidenceType")
    for order, (code, name, mandatory, needs_version) in enumerate(EVIDENCE_TYPES, start=1):
        EvidenceType.objects.update_or_create(
            code=code,
            defaults={"name": name, "mandatory": mandatory, "needs_policy_version": needs_version, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("placements", "0001_initial")]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
