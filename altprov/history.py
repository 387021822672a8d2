"""Change history for a record's page, from django-simple-history."""

from django.core.exceptions import FieldDoesNotExist

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
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name


def history_rows(obj, *, hidden: tuple[str, ...] = (), limit: int = 25) -> list[dict]:
    """Newest first: who, when, and each field's old and new value.

    Fields in `hidden` (safeguarding detail for roles that may not see it) are
    left out, so a change to them shows no values.
    """
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    rows = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if older is not None and record.history_type == "~":
            delta = record.diff_against(older)
            changes = [
                {"field": _label(type(obj), c.field), "old": c.old, "new": c.new}
                for c in delta.changes
                if c.field not in hidden
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
