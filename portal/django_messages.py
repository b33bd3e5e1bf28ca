"""Django's own messages that our pages show and its Simplified Chinese catalogue lacks or renders
badly. Listed here so that `make messages` carries them into `locale/`, whose translations take
precedence over Django's (`LOCALE_PATHS`). Nothing imports this module; the strings must match
Django's msgids exactly (see django/conf/locale/en/LC_MESSAGES/django.po and
django/contrib/admin/locale/en/LC_MESSAGES/django.po of the installed version).
"""

from django.utils.translation import gettext_noop

DJANGO_MESSAGES = (
    # Django 6.1's blank choice label (django.db.models.fields.BLANK_CHOICE_LABEL): the admin's
    # action select and every optional select. Not yet in Django's zh_Hans catalogue.
    gettext_noop("- Select an option -"),
    # The heading of each list filter (admin/filter.html): Django's zh_Hans gives "以 状态",
    # with a stray space and an odd preposition.
    gettext_noop(" By %(filter_title)s "),
    # The suffix of every form label: Django's zh_Hans keeps the English colon ("备注:").
    gettext_noop(":"),
    # The list's (visually hidden) search heading: "搜索 工单", with a stray space.
    gettext_noop("Search %(name)s"),
)
