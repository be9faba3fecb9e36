"""Places and distances: US postal codes (offline, from the ``zipcodes`` package) and lat,lon."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from rules.trial import Site, Trial

_LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
EARTH_KM = 6371.0


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


class PlaceError(ValueError):
    """A place that is neither a US postal code nor ``lat,lon``."""


@lru_cache(maxsize=4096)
def zip_point(code: str) -> Point | None:
    """Coordinates of a US postal code, or None when unknown.

    >>> zip_point("10016")
    Point(lat=40.7443, lon=-73.9781)
    """
    m = _ZIP.match(code or "")
    if not m:
        return None
    import zipcodes  # imported lazily: it loads its table on first use

    try:
        found = zipcodes.matching(m.group(1))
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    return Point(float(found[0]["lat"]), float(found[0]["long"]))


def parse_place(text: str) -> Point:
    """A US postal code ("10016") or "lat,lon" ("40.74,-73.98") as a point."""
    m = _LATLON.match(text)
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise PlaceError(
                f"{text!r}: latitude must be in [-90, 90] and longitude in [-180, 180]"
            )
        return Point(lat, lon)
    if _ZIP.match(text):
        point = zip_point(text)
        if point is None:
            raise PlaceError(f"{text!r} is not a known US postal code")
        return point
    raise PlaceError(
        f"{text!r} is not a place: give a US postal code (10016) or lat,lon (40.74,-73.98)"
    )


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance in km (haversine).

    >>> round(distance_km(Point(40.7443, -73.9781), Point(41.85, -87.65)))
    1148
    """
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def site_point(site: Site) -> Point | None:
    if site.lat is not None and site.lon is not None:
        return Point(site.lat, site.lon)
    if site.zip and (site.country or "United States") == "United States":
        return zip_point(site.zip)
    return None


def nearest_site(trial: Trial, origin: Point) -> tuple[Site, float] | None:
    """The trial's site closest to ``origin`` with its distance, or None when none is located."""
    best: tuple[Site, float] | None = None
    for site in trial.sites:
        point = site_point(site)
        if point is None:
            continue
        d = distance_km(origin, point)
        if best is None or d < best[1]:
            best = (site, d)
    return best
