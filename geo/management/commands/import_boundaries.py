"""`python manage.py import_boundaries FILE --level street|community [...]`: load boundaries.

Reads a GeoJSON file or a Shapefile, matches each feature to a region of the level by code
(`--code-field`, default `code`) or else by name (`--name-field`, default `name`; `--within CODE`
limits the names to one district or street), checks everything, and stores the matched
outlines in one transaction, replacing those regions' earlier outlines. Reports what matched,
the features that matched nothing, the regions of the level still without an outline, overlaps
between outlines of the level, gaps (parts of a parent its children leave uncovered) and
children reaching outside their parent. A bad file stores nothing (exit status 1, the reason).
`--dry-run` reports without storing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from departments.models import Region
from geo import importing, services
from geo.coords import CoordSystem

LEVELS = {
    "district": Region.Level.DISTRICT,
    "street": Region.Level.STREET,
    "community": Region.Level.COMMUNITY,
}
SHOWN = 20  # items of each list printed; the counts are always whole


class Command(BaseCommand):
    help = "Load region boundaries from a GeoJSON file or a Shapefile (WGS-84 lon/lat)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--level", required=True, choices=list(LEVELS))
        parser.add_argument("--code-field", default="code", help="property holding region codes")
        parser.add_argument("--name-field", default="name", help="property holding names")
        parser.add_argument("--within", help="match names only under this region code")
        parser.add_argument(
            "--coord-system",
            default=CoordSystem.WGS84,
            choices=CoordSystem.values,
            help="the file's coordinates (GCJ-02 and BD-09 are converted to WGS-84)",
        )
        parser.add_argument("--encoding", help="a shapefile's attribute encoding, e.g. gbk")
        parser.add_argument(
            "--repair", action="store_true", help="fix invalid outlines (shapely.make_valid)"
        )
        parser.add_argument("--source", help="where the file came from (stored with each row)")
        parser.add_argument("--dry-run", action="store_true", help="report only, store nothing")

    def handle(self, *args, file, level, code_field, name_field, within, coord_system, encoding,
               repair, source, dry_run, **options):  # fmt: skip
        quiet = options["verbosity"] == 0

        def progress(items, **kwargs):
            return tqdm(items, disable=quiet, leave=False, **kwargs)

        scope = None
        if within:
            scope = Region.objects.filter(code=within).first()
            if scope is None:
                raise CommandError(_("--within: no region has code %(code)s") % {"code": within})
        try:
            features = importing.read_features(
                file,
                encoding=encoding,
                repair=repair,
                coord_system=coord_system,
                progress=progress,
            )
            plan = importing.match(
                features,
                level=LEVELS[level],
                code_field=code_field,
                name_field=name_field,
                within=scope,
            )
        except importing.BadFile as error:
            raise CommandError(
                _("%(file)s: %(reason)s. Nothing was imported.") % {"file": file, "reason": error}
            ) from error
        importing.check(plan, progress=progress)
        self._report(plan)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was stored."))
            return
        rows = [
            services.boundary_row(m.region, m.feature.outline, source=source or file.name)
            for m in plan.matched
        ]
        stored = services.boundaries_replace(rows)
        self.stdout.write(self.style.SUCCESS(_("Stored %(count)d boundaries.") % {"count": stored}))

    def _report(self, plan):
        write = self.stdout.write
        write(_("Matched: %(count)d") % {"count": len(plan.matched)})
        self._list(
            _("Not matched (not stored): %(count)d"),
            [
                _("feature %(number)d (%(label)s): %(reason)s")
                % {
                    "number": f.number,
                    "label": importing._label(f.properties) or "—",
                    "reason": reason,
                }
                for f, reason in plan.unmatched
            ],
        )
        self._list(
            _("Regions of this level still without a boundary: %(count)d"),
            [f"{r.code} {r.name}" for r in plan.missing],
        )
        self._list(
            _("Overlaps: %(count)d"),
            [f"{a.name} × {b.name}: {area:,.0f} m²" for a, b, area in plan.overlaps],
        )
        self._list(
            _("Gaps: %(count)d"),
            [
                _("%(name)s: %(area)s m² (%(share).1f%%) not covered by its parts")
                % {"name": r.name, "area": f"{area:,.0f}", "share": share * 100}
                for r, area, share in plan.gaps
            ],
        )
        self._list(
            _("Outside their parent: %(count)d"),
            [
                _("%(name)s: %(share).1f%% of it outside %(parent)s")
                % {"name": r.name, "share": share * 100, "parent": r.parent.name}
                for r, share in plan.outside
            ],
        )

    def _list(self, heading, lines):
        style = self.style.WARNING if lines else (lambda text: text)
        self.stdout.write(style(heading % {"count": len(lines)}))
        for line in lines[:SHOWN]:
            self.stdout.write(f"  {line}")
        if len(lines) > SHOWN:
            self.stdout.write("  " + _("… and %(count)d more") % {"count": len(lines) - SHOWN})
