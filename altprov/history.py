"""Change history for a record's page, from django-simple-history."""

from datetime import date, datetime, time

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateformat import format as format_date

CHANGE_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}
# Fields shown only to roles with placement.cost.view.
COST_FIELDS = (
    "cost_amount",
    "cost_basis",
    "cost_authorised_by",
    "cost_authorised_at",
    "session_rate",
    "daily_rate",
)


def _label(model, name: str) -> str:
    try:
        label = str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
    # Not str.capitalize(): it would turn "SEN status" into "Sen status" and "UPN" into "Upn".
    return label[:1].upper() + label[1:]


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _related_names(model, changes) -> dict[tuple[str, object], str]:
    """(field, pk) -> the related record's name: one query per foreign key that changed."""
    wanted: dict[str, set] = {}
    for change in changes:
        field = _field(model, change.field)
        if field is not None and field.many_to_one:
            wanted.setdefault(change.field, set()).update(
                v for v in (change.old, change.new) if v is not None
            )
    names = {}
    for name, pks in wanted.items():
        related = _field(model, name).related_model
        for pk, obj in related._default_manager.in_bulk(pks).items():
            names[(name, pk)] = str(obj)
    return names


def _shown(model, name: str, value, names: dict) -> str:
    """A stored value as the rest of the app shows it: names, choice labels, Yes/No, dd/mm/yyyy."""
    if value is None or value == "":
        return "–"
    field = _field(model, name)
    if field is not None and field.many_to_one:
        return names.get((name, value), f"a removed record (#{value})")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        # The short form the history panel uses ("1 Dec 2026 09:30"): a dense list, read in full.
        return format_date(timezone.localtime(value) if timezone.is_aware(value) else value, "j M Y H:i")
    if isinstance(value, date):
        return format_date(value, "j M Y")
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "–"
    return str(value)


def history_rows(obj, *, hidden: tuple[str, ...] = (), limit: int = 25) -> list[dict]:
    """Newest first: who, when, and each field's old and new value.

    Fields in `hidden` (safeguarding detail for roles that may not see it) are
    left out, so a change to them shows no values.
    """
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    model = type(obj)
    deltas = {}
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        if older is not None and record.history_type == "~":
            deltas[index] = [c for c in record.diff_against(older).changes if c.field not in hidden]
    names = _related_names(model, [c for found in deltas.values() for c in found])
    rows = []
    for index, record in enumerate(records[:limit]):
        changes = []
        if index in deltas:
            changes = [
                {
                    "field": _label(model, c.field),
                    "old": _shown(model, c.field, c.old, names),
                    "new": _shown(model, c.field, c.new, names),
                }
                for c in deltas[index]
            ]
            if not changes:
                continue
        rows.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": CHANGE_TYPES.get(record.history_type, record.history_type),
                "changes": changes,
            }
        )
    return rows
