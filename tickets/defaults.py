"""Default urgency classes (DB11/T 2021—2022, DESIGN.md §3); loaded by a data migration."""

from datetime import timedelta

H = timedelta(hours=1)
D = timedelta(days=1)

# code, name, rank, dispatch within, contact within, reply within
URGENCY_CLASSES = [
    ("emergency", "紧急类", 1, 1 * H, 2 * H, 2 * H),
    ("utilities", "水电气热类", 2, 2 * H, 24 * H, 24 * H),
    ("general", "一般类", 3, 24 * H, 24 * H, 7 * D),
    ("complex", "疑难复杂类", 4, 24 * H, 24 * H, 15 * D),
]


def ensure_urgency_classes(model) -> None:
    """Create the default classes that are missing (`model` may be a migration's historical one)."""
    for code, name, rank, dispatch, response, reply in URGENCY_CLASSES:
        model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "accept_limit": 2 * H,
                "dispatch_limit": dispatch,
                "response_limit": response,
                "reply_limit": reply,
                "callback_limit": 3 * D,
                "return_window": 24 * H,
            },
        )
