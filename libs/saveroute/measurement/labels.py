"""Map free-form field values onto the closed label vocabularies of the catalogue.

Anything outside a vocabulary becomes "unknown"/"other", so a typo upstream can
never mint a new series.
"""

from saveroute.measurement.catalog import INVALID, NONE, OTHER, SEGMENTS, SOURCES, UNKNOWN
from saveroute.measurement.settings import ISO_CODE


def segment_label(segment: str | None) -> str:
    value = getattr(segment, "value", segment)
    return value if value in SEGMENTS else UNKNOWN


def source_label(source: str | None) -> str:
    value = getattr(source, "value", source)
    return value if value in SOURCES else OTHER


def offer_label(offer_type: str | None, offer_types: tuple[str, ...]) -> str:
    if not offer_type:
        return NONE
    return offer_type if offer_type in offer_types else OTHER


def currency_label(currency: str) -> str:
    """An ISO-shaped code as itself; anything else as "invalid" (bounded label)."""
    return currency if ISO_CODE.match(currency) else INVALID
