"""An enriched case together with its classification: what the routing stage reads."""

from saveroute.models._base import Model
from saveroute.models.classification import Classification
from saveroute.models.enriched import EnrichedCase


class ClassifiedCase(Model):
    case: EnrichedCase
    classification: Classification
