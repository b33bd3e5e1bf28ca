"""The demo city's boundaries (`boundaries.geojson`, made by `boundary_plan`), loaded through
the same reader and service as `manage.py import_boundaries`."""

from pathlib import Path

from departments.models import Region
from geo import importing, services

FILE = Path(__file__).with_name("boundaries.geojson")
LEVELS = {"district": Region.Level.DISTRICT, "street": Region.Level.STREET,
          "community": Region.Level.COMMUNITY}  # fmt: skip


def load_boundaries() -> int:
    """Store every boundary of the file (replacing earlier ones); returns how many."""
    features = importing.read_features(FILE)
    rows = []
    for name, level in LEVELS.items():
        plan = importing.match(
            [f for f in features if f.properties.get("level") == name],
            level=level,
            code_field="code",
            name_field="name",
        )
        rows += [
            services.boundary_row(m.region, m.feature.outline, source="demo") for m in plan.matched
        ]
    return services.boundaries_replace(rows)
