"""Boundaries for the test city (tests/conftest.py `city`, and `tree`'s 安华里社区), drawn as
boxes in WGS-84 around their real places:

    40.000 ┌──────────────┬──────────────┐
           │ 和平街街道     │ 安贞街道       │  朝阳区 = the whole box
    39.975 ├──────────────┤ (安华里社区)   │  和平街's north half: a gap between communities
           │ 胜古南社区     │              │
    39.950 └──────────────┴──────────────┘
        116.40         116.45         116.50
"""

import shapely

from geo import services

BOXES = {
    "chaoyang": (116.40, 39.95, 116.50, 40.00),
    "hepingjie": (116.40, 39.95, 116.45, 40.00),
    "anzhen": (116.45, 39.95, 116.50, 40.00),
    "shenggunan": (116.40, 39.95, 116.45, 39.975),
    "anhuali": (116.45, 39.95, 116.50, 40.00),
}
INSIDE_SHENGGUNAN = (39.96, 116.42)  # (lat, lon)
IN_THE_GAP = (39.99, 116.42)
ON_THE_STREETS_EDGE = (39.99, 116.45)
OUTSIDE = (39.90, 116.42)


def draw(places: dict) -> dict:
    """Store the boxes of the places given (a `city` or `tree` dict); returns their outlines."""
    outlines = {name: shapely.box(*BOXES[name]) for name in BOXES if name in places}
    services.boundaries_replace(
        [services.boundary_row(places[name], shape) for name, shape in outlines.items()]
    )
    return outlines
