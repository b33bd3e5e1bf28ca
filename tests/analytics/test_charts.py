"""The charts and texts of the dashboard and the analytics pages (issue 15): one source for each
dashboard figure, the chart specs' rules (zero-based axes, whole-number counts, 0–100 % rates,
a legend, the running period marked partial), charts on every page README promises, months as
people write them, and Chinese text without stray spaces or English punctuation."""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from analytics import refresh
from analytics.staff import period_starts
from departments.models import Department
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

HAN = "\u4e00-\u9fff"


@pytest.fixture
def called_back(lifecycle, staff):
    ticket = lifecycle("replied")
    services.ticket_record_callback(
        ticket_id=ticket.pk, actor=staff["callback"], contacted=True, solved=True,
        satisfaction="satisfied",
    )  # fmt: skip
    refresh.rebuild(refresh.ticket_days())
    return timezone.localdate().replace(day=1)


def dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("admin:dashboard")).context


# -- the dashboard: one source per figure ----------------------------------------------------


def test_the_overdue_card_is_the_sum_of_the_overdue_chart(client, staff, lifecycle, units):
    """Tickets overdue at the hotline (no lead unit yet) and at more than ten units: the card
    and the chart count the same tickets (the chart used to drop both)."""
    past = timezone.now() - timedelta(hours=1)
    waiting = lifecycle("accepted")
    Ticket.objects.filter(pk=waiting.pk).update(due_at=past)
    for i in range(12):
        unit = Department.objects.create(
            code=f"bj-{i}", name=f"北京市第{i}局", kind="municipal_department"
        )
        ticket = lifecycle("accepted")
        services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=unit)
        Ticket.objects.filter(pk=ticket.pk).update(due_at=past)
    context = dashboard(client, staff["supervisor"])
    figures, chart = context["figures"], context["charts"]["overdue"]
    values = chart["datasets"][0]["values"]
    assert figures["overdue_total"] == 13 == sum(values)
    assert chart["labels"][-2:] == ["其他单位", "尚未派单（在热线中心）"]
    assert values[-2:] == [2, 1]
    assert len(chart["labels"]) == 12  # ten units named, the rest summed, the hotline's
    assert [label for label, _n in figures["overdue_by_unit"]] == chart["labels"]


def test_intake_today_is_the_last_point_of_the_intake_chart(client, staff, submit):
    submit(), submit()
    context = dashboard(client, staff["operator"])
    chart = context["charts"]["intake"]
    assert context["figures"]["intake_today"] == 2 == chart["datasets"][0]["values"][-1]
    assert len(chart["labels"]) == 30 and chart["partial_last"] is True
    assert chart["labels"][-1].endswith("（截至目前）")  # today is still counting
    assert chart["unit"] == "count"


def test_the_dashboard_month_is_written_as_people_write_it(client, staff):
    client.force_login(staff["supervisor"])
    today = timezone.localdate()
    assert (
        f"{today.year}年{today.month}月三率（按单位类型）"
        in client.get(reverse("admin:dashboard")).text
    )
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        text = client.get(reverse("admin:dashboard"), HTTP_ACCEPT_LANGUAGE="en").text
    assert f"The three rates in {today:%B} {today.year}, by unit kind" in text


# -- the analytics pages' charts -------------------------------------------------------------


def test_the_ranking_chart_leaves_out_units_without_a_score(
    client, staff, lifecycle, units, called_back
):
    quiet = Department.objects.create(code="st-quiet", name="静街道办事处", kind="street_office")
    ticket = lifecycle("accepted")
    services.ticket_dispatch(ticket_id=ticket.pk, actor=staff["dispatcher"], lead=quiet)
    refresh.rebuild(refresh.ticket_days())
    client.force_login(staff["analyst"])
    response = client.get(
        reverse("admin:analytics_rates"), {"month": f"{called_back:%Y-%m}", "kind": "street_office"}
    )
    assert "静街道办事处" in [
        row[1]["text"] for row in response.context["rows"]
    ]  # listed, unranked
    chart = response.context["chart"]
    assert chart["labels"] == [units["street"].name]
    assert chart["unit"] == "percent" and chart["datasets"][0]["values"] == [100.0]
    title = response.context["title"]
    assert title.endswith(f"{called_back.year}年{called_back.month}月")


def test_the_unit_trend_has_a_legend_and_a_percent_scale(client, staff, units, called_back):
    client.force_login(staff["analyst"])
    response = client.get(
        reverse("admin:analytics_unit", args=[units["street"].pk]),
        {"month": f"{called_back:%Y-%m}"},
    )
    chart = response.context["chart"]
    assert [d["label"] for d in chart["datasets"]] == ["响应率", "解决率", "满意率", "综合得分"]
    assert chart["unit"] == "percent"
    assert chart["labels"][0].startswith(
        f"{called_back.year}年{called_back.month}月"
    )  # no empty months first
    assert chart["partial_last"] is True  # this month is still running
    rows = response.context["rows"]
    assert len(rows) == 12 and rows[-1][0]["text"] == f"{called_back.year}年{called_back.month}月"
    csv = client.get(
        reverse("admin:analytics_unit", args=[units["street"].pk]),
        {"month": f"{called_back:%Y-%m}", "format": "csv"},
    ).content.decode()
    assert f"\n{called_back:%Y-%m}," in csv  # the CSV keeps the sortable form


def test_the_intake_chart_fills_empty_days_and_marks_today(client, staff, submit):
    submit()
    refresh.rebuild(refresh.ticket_days())
    client.force_login(staff["analyst"])
    response = client.get(reverse("admin:analytics_intake"))
    chart = response.context["chart"]
    assert len(chart["labels"]) == 30 and len(response.context["rows"]) == 30
    total = chart["datasets"][-1]
    assert total["label"] == "合计" and total["values"][-1] == 1 and sum(total["values"]) == 1
    assert chart["partial_last"] and chart["labels"][-1].endswith("（截至目前）")
    month = client.get(reverse("admin:analytics_intake"), {"granularity": "month"}).context
    assert (
        month["rows"][-1][0]["text"]
        == f"{timezone.localdate().year}年{timezone.localdate().month}月"
    )


def test_period_starts_cover_days_weeks_and_months():
    assert period_starts(date(2026, 10, 30), date(2026, 11, 2), "day") == [
        date(2026, 10, 30), date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2),
    ]  # fmt: skip
    assert period_starts(date(2026, 11, 4), date(2026, 11, 17), "week") == [
        date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16),
    ]  # fmt: skip
    assert period_starts(date(2026, 11, 20), date(2027, 1, 3), "month") == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1),
    ]  # fmt: skip


def test_the_place_and_category_page_has_its_chart(client, staff, submit):
    submit(), submit()
    refresh.rebuild(refresh.ticket_days())
    client.force_login(staff["analyst"])
    response = client.get(reverse("admin:analytics_intake"), {"table": "places"})
    chart = response.context["chart"]
    assert chart["labels"] == ["朝阳区"] and chart["stacked"] and chart["horizontal"]
    assert [(d["label"], d["values"]) for d in chart["datasets"]] == [("住房", [2])]
    assert "analytics-chart" in response.text
    assert "granularity" not in response.context["form"].fields  # controls that do nothing


def test_the_hotspot_page_has_its_chart(client, staff, spike):
    spike(timezone.localdate(), 1, 9)
    client.force_login(staff["analyst"])
    chart = client.get(reverse("admin:analytics_hotspots")).context["chart"]
    assert chart["labels"] == ["胜古南社区 · 楼牌号缺失"]
    assert [d["values"] for d in chart["datasets"]] == [[9], [1.0]]
    assert chart["unit"] == "count"


# -- Chinese text ----------------------------------------------------------------------------


class TextNodes(HTMLParser):
    """The visible text nodes of a page (scripts, styles and JSON data left out)."""

    def __init__(self):
        super().__init__()
        self.nodes, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skip:
            self.nodes.append(text)


STRAY_SPACE = re.compile(f"[{HAN}\u3000-\u303f\uff01-\uff5e] +[{HAN}（]")
ENGLISH_PUNCTUATION = re.compile(f"[{HAN}][:;,()]|[(][{HAN}]")


def test_staff_pages_have_no_stray_spaces_or_english_punctuation_in_chinese(
    client, staff, lifecycle, units, called_back
):
    ticket = lifecycle("in_progress", confidential=True)
    services.ticket_request_extension(
        ticket_id=ticket.pk, actor=staff["handler"], reason="需协调",
        reply_due_at=ticket.reply_due_at + timedelta(days=3),
    )  # fmt: skip
    waiting = lifecycle("accepted")
    client.force_login(staff["dispatcher"])
    month = f"{called_back:%Y-%m}"
    urls = [
        reverse("admin:index"),
        reverse("admin:tickets_ticket_changelist"),
        reverse("admin:tickets_ticket_change", args=[ticket.pk]),
        reverse("admin:tickets_ticket_act", args=[ticket.pk, "decide-extension"]),
        reverse("admin:tickets_ticket_act", args=[waiting.pk, "dispatch"]),
        reverse("admin:dashboard"),
        reverse("admin:analytics_rates") + f"?month={month}",
        reverse("admin:analytics_unit", args=[units["street"].pk]) + f"?month={month}",
        reverse("admin:analytics_intake"),
        reverse("admin:analytics_intake") + "?table=places",
        reverse("admin:analytics_hotspots"),
    ]
    problems = []
    for url in urls:
        parser = TextNodes()
        parser.feed(client.get(url).text)
        for node in parser.nodes:
            if STRAY_SPACE.search(node) or ENGLISH_PUNCTUATION.search(node):
                problems.append((url, node))
    assert problems == [], "\n".join(map(str, problems))


# Placeholders whose value is (or ends in) Chinese text, with a value of that kind.
CHINESE_VALUES = {
    "limit": "24 小时",
    "month": "2026年11月",
    "start": "2026年11月1日",
    "date": "2026年11月28日",
    "unit": "和平街街道办事处",
    "kind_label": "答复提醒",
    "action": "派单",
}


def test_chinese_values_are_not_padded_with_spaces_in_the_catalogue():
    """ "%(limit)s 内" with "24 小时" gave "24 小时 内": no space may fall between two Chinese
    characters once the placeholders are filled."""
    from tests.portal.test_translations import po_entries

    padded = []
    for _context, _msgid, msgstr in po_entries():
        if not re.search(f"[{HAN}]", msgstr) or "%%(" in msgstr:  # %%: a script's counter
            continue
        filled = re.sub(r"%\((\w+)\)s", lambda m: CHINESE_VALUES.get(m[1], "X"), msgstr)
        filled = re.sub(r"%\((\w+)\)d", "7", filled)
        filled = re.sub(r"“[^”]*”", "“”", filled)  # a quoted example is typed as people type
        if re.search(f"[{HAN}] +[{HAN}]", filled):
            padded.append(filled)
    assert padded == [], "\n".join(padded)


def test_no_doubled_class_suffix_with_an_urgency_class_name():
    with translation.override("zh-hans"):
        text = translation.gettext("These are the time limits for “%(name)s” demands.") % {
            "name": "一般类"
        }
    assert "类类" not in text and text == "以上是“一般类”诉求的办理时限。"
