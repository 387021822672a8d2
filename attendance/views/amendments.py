"""Correcting a recorded mark: the old value and the reason are kept."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from altprov.redirects import safe_next
from altprov.templatetags.altprov_tags import day_words

from ..access import get_mark_for_user
from ..forms.staff import AmendMarkForm, learner_session
from ..models import AttendanceMark
from ..recording import alert_dsl_for_unexplained, amend_mark
from ..today import mark_words


def amend_mark_view(request: HttpRequest, pk: int) -> HttpResponse:
    mark = get_mark_for_user(request.user, pk)
    back = safe_next(
        request,
        f"{reverse('attendance:register_grid')}?start={mark.date.isoformat()}&end={mark.date.isoformat()}",
    )
    form = AmendMarkForm(request.POST or None, mark=mark)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Lock the row so two corrections at once each keep the other's value as "old".
            locked = (
                AttendanceMark.objects.select_for_update()
                .select_related("placement__learner")
                .get(pk=mark.pk)
            )
            form.mark = locked
            amendment = amend_mark(
                mark=locked, entry=form.amended_entry(), reason=form.cleaned_data["reason"], by=request.user
            )
            if amendment is not None:
                alert_dsl_for_unexplained(mark.school, [locked])
        if amendment is None:
            form.add_error(None, "Nothing has changed: the mark already says that.")
        else:
            messages.success(
                request,
                f"{learner_session(locked.placement, locked.session)} {day_words(locked.date, 'on')} "
                f"changed {_change_words(amendment, locked)}.",
            )
            return redirect(back)
    return render(
        request,
        "attendance/amend_mark.html",
        {
            "mark": mark,
            "words": mark_words(mark),
            "form": form,
            "history": mark.amendments.select_related("by"),
            "back": back,
        },
    )


def _change_words(amendment, mark: AttendanceMark) -> str:
    # A dual-registered mark stays D whatever the absence's reason: say what it is now instead.
    if amendment.old_code == amendment.new_code:
        return f"to “{mark_words(mark)}”"
    return f"from {amendment.old_code} to {amendment.new_code}"
