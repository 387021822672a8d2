"""Dates people read: "today", or the day written out ("Tuesday 1 December 2026")."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template

from altprov.templatetags.altprov_tags import date_words, day_words

LONDON = ZoneInfo("Europe/London")
TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)


@time_machine.travel(TUESDAY, tick=False)
def test_today_is_the_word_today():
    assert day_words(date(2026, 12, 1)) == "today"


@time_machine.travel(TUESDAY, tick=False)
@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 11, 30), "Monday 30 November 2026"),
        (date(2026, 12, 2), "Wednesday 2 December 2026"),
        (date(2027, 3, 26), "Friday 26 March 2027"),
    ],
)
def test_another_day_is_written_out_with_its_weekday_and_year(day, words):
    assert day_words(day) == words


@time_machine.travel(datetime(2026, 7, 1, 12, 0, tzinfo=LONDON), tick=False)
def test_a_datetime_is_read_in_local_time():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    assert day_words(datetime(2026, 6, 30, 23, 30, tzinfo=ZoneInfo("UTC"))) == "today"
    assert day_words(datetime(2026, 6, 30, 22, 30, tzinfo=ZoneInfo("UTC"))) == "Tuesday 30 June 2026"


def test_no_date_is_nothing():
    assert day_words(None) == ""
    assert day_words("") == ""


@time_machine.travel(TUESDAY, tick=False)
def test_filter_in_a_template_capitalises_for_a_heading():
    template = Template("{% load altprov_tags %}{{ d|day_words|capfirst }}, from {{ e|day_words }}")
    html = template.render(Context({"d": date(2026, 12, 1), "e": date(2026, 9, 7)}))
    assert html == "Today, from Monday 7 September 2026"


@time_machine.travel(TUESDAY, tick=False)
def test_a_preposition_goes_before_a_written_out_date_but_not_before_today():
    assert day_words(date(2026, 11, 30), "on") == "on Monday 30 November 2026"
    assert day_words(date(2026, 12, 1), "on") == "today"


@time_machine.travel(TUESDAY, tick=False)
def test_text_read_later_writes_out_even_today():
    # An email or a flag summary is read tomorrow too: "today" would then be wrong.
    assert date_words(date(2026, 12, 1)) == "Tuesday 1 December 2026"
    assert date_words(datetime(2026, 6, 30, 23, 30, tzinfo=ZoneInfo("UTC"))) == "Wednesday 1 July 2026"
    assert date_words(None) == ""
