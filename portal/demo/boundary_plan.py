"""How the demo city's boundaries were made (`python -m portal.demo.boundary_plan` rewrites
`portal/demo/boundaries.geojson`; the loader reads that file, not this module).

They are plausible, not official: each district is a hand-drawn outline close to the real one;
its streets are the Voronoi cells of points near the real street offices, clipped to it, with a
few extra points standing for streets the demo does not have (their cells stay without a street:
a pin there finds only the district, as in a city whose data has gaps); each street's communities
are Voronoi cells of seeded points inside it, relaxed twice (Lloyd) so they look like
neighbourhoods. Coordinates are WGS-84 longitude/latitude, to 6 decimals.
"""

import json
import random
import sys
from pathlib import Path

import shapely

from . import city_data as data

OUTPUT = Path(__file__).with_name("boundaries.geojson")

# Districts: hand-drawn outlines (lon, lat) whose shared edges use the same points.
DISTRICT_OUTLINES = {
    "110101": [  # 东城区
        (116.398, 39.973), (116.424, 39.973), (116.433, 39.963), (116.437, 39.948),
        (116.438, 39.925), (116.441, 39.905), (116.446, 39.885), (116.441, 39.860),
        (116.415, 39.855), (116.392, 39.858), (116.388, 39.875), (116.393, 39.895),
        (116.392, 39.915), (116.397, 39.930), (116.396, 39.950),
    ],
    "110105": [  # 朝阳区
        (116.398, 39.973), (116.389, 39.976), (116.390, 40.030), (116.395, 40.060),
        (116.450, 40.085), (116.520, 40.100), (116.600, 40.070), (116.640, 40.000),
        (116.620, 39.920), (116.580, 39.860), (116.530, 39.820), (116.460, 39.830),
        (116.430, 39.845), (116.441, 39.860), (116.446, 39.885), (116.441, 39.905),
        (116.438, 39.925), (116.437, 39.948), (116.433, 39.963), (116.424, 39.973),
    ],
    "110108": [  # 海淀区
        (116.390, 40.030), (116.389, 39.976), (116.388, 39.962), (116.375, 39.950),
        (116.355, 39.945), (116.350, 39.925), (116.345, 39.895), (116.320, 39.885),
        (116.280, 39.885), (116.240, 39.890), (116.200, 39.930), (116.100, 39.960),
        (116.050, 40.030), (116.080, 40.120), (116.200, 40.160), (116.280, 40.100),
        (116.350, 40.060),
    ],
}  # fmt: skip

# Near each demo street's office (lon, lat).
STREET_POINTS = {
    "110101001": (116.406, 39.914), "110101002": (116.399, 39.928), "110101003": (116.405, 39.940),
    "110101004": (116.409, 39.952), "110101005": (116.419, 39.946), "110101006": (116.420, 39.931),
    "110101007": (116.431, 39.925), "110101008": (116.430, 39.906), "110101009": (116.432, 39.948),
    "110101010": (116.418, 39.965), "110101011": (116.398, 39.895), "110101012": (116.420, 39.895),
    "110101014": (116.436, 39.880), "110101015": (116.421, 39.879), "110101016": (116.405, 39.876),
    "110101017": (116.406, 39.863),
    "110105001": (116.452, 39.908), "110105002": (116.443, 39.924), "110105003": (116.466, 39.921),
    "110105004": (116.455, 39.936), "110105005": (116.443, 39.955), "110105007": (116.425, 39.979),
    "110105008": (116.402, 39.970), "110105009": (116.402, 39.990), "110105010": (116.418, 39.985),
    "110105012": (116.473, 39.950), "110105013": (116.466, 39.934), "110105014": (116.487, 39.929),
    "110105015": (116.497, 39.913), "110105016": (116.463, 39.893), "110105017": (116.458, 39.882),
    "110105018": (116.463, 39.871), "110105025": (116.415, 40.004), "110105026": (116.472, 40.000),
    "110105031": (116.398, 40.017), "110105036": (116.580, 39.985), "110105037": (116.530, 40.060),
    "110108001": (116.289, 39.907), "110108003": (116.322, 39.902), "110108004": (116.330, 39.925),
    "110108005": (116.289, 39.930), "110108006": (116.311, 39.946), "110108007": (116.340, 39.955),
    "110108008": (116.370, 39.966), "110108010": (116.352, 39.995), "110108011": (116.320, 39.985),
    "110108012": (116.300, 39.976), "110108013": (116.270, 40.000), "110108017": (116.335, 40.030),
    "110108018": (116.372, 39.982), "110108022": (116.300, 40.045),
}  # fmt: skip

# Streets the demo does not have (their cells become gaps of the district).
FILLER_POINTS = {
    "110105": [(116.550, 40.085), (116.600, 40.030), (116.550, 39.930), (116.600, 39.900),
               (116.520, 39.860), (116.470, 39.850), (116.505, 39.885), (116.445, 40.050),
               (116.505, 39.965), (116.530, 40.005), (116.410, 40.045)],
    "110108": [(116.200, 40.050), (116.130, 40.040), (116.220, 39.970), (116.250, 40.080),
               (116.160, 40.110), (116.370, 40.045), (116.255, 39.935)],
}  # fmt: skip


def voronoi_cells(points, clip) -> list:
    """The Voronoi cell of each point (in order), clipped to `clip`."""
    sites = shapely.MultiPoint(points)
    cells = shapely.voronoi_polygons(sites, extend_to=clip.envelope.buffer(0.1), ordered=True)
    return [cell.intersection(clip) for cell in cells.geoms]


def relaxed_points(street, count: int, rng: random.Random) -> list:
    west, south, east, north = street.bounds
    points = []
    while len(points) < count:
        p = shapely.Point(rng.uniform(west, east), rng.uniform(south, north))
        if street.contains(p):
            points.append((p.x, p.y))
    for _round in range(2):  # Lloyd: move each point to its cell's centroid
        cells = voronoi_cells(points, street)
        points = [(c.centroid.x, c.centroid.y) if not c.is_empty else p
                  for c, p in zip(cells, points, strict=True)]  # fmt: skip
    return points


def _feature(code, name, level, geometry) -> dict:
    geometry = shapely.set_precision(geometry, 1e-6)
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level},
        "geometry": shapely.geometry.mapping(geometry),
    }


def build(seed: int = 12345) -> dict:
    rng = random.Random(seed)
    names = dict(data.DISTRICTS)
    features = []
    for district_code, outline in DISTRICT_OUTLINES.items():
        district = shapely.Polygon(outline)
        features.append(_feature(district_code, names[district_code], "district", district))
        streets = data.STREETS[district_code]
        points = [STREET_POINTS[s.code] for s in streets] + FILLER_POINTS.get(district_code, [])
        cells = voronoi_cells(points, district)
        for street, cell in zip(streets, cells, strict=False):
            features.append(_feature(street.code, street.name, "street", cell))
            seeds = relaxed_points(cell, len(street.communities), rng)
            for (code, name), community in zip(
                street.communities, voronoi_cells(seeds, cell), strict=True
            ):
                features.append(_feature(code, name, "community", community))
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    collection = build()
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    OUTPUT.write_text(text.replace('{"type":"Feature"', '\n{"type":"Feature"') + "\n")
    print(f"{len(collection['features'])} features → {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
