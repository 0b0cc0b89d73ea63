"""Which model and which current Avro schema each topic carries, looked up once.

Both framings need the same answer for every message: the topic's model (to build
and check instances) and its newest schema (to write with, and to read into).
"""

from dataclasses import dataclass

from fastavro.schema import expand_schema
from pydantic import BaseModel

from saveroute.serde.convert import WritePlan
from saveroute.serde.schemas import SchemaCatalog, SchemaVersion
from saveroute.topics import ALL_TOPICS, Topic


@dataclass(frozen=True)
class TopicSchema:
    topic: Topic
    schema: SchemaVersion  # the newest version: what we write, and read into
    plan: WritePlan  # how a model's dump becomes a datum fastavro writes fast

    @property
    def model(self) -> type[BaseModel]:
        return self.topic.model

    def check(self, model: BaseModel) -> None:
        if type(model) is not self.topic.model:
            raise TypeError(
                f"topic {self.topic.name} carries {self.topic.model.__name__}, not {type(model).__name__}"
            )


def topic_schemas(catalog: SchemaCatalog, topics: tuple[Topic, ...] = ALL_TOPICS) -> dict[str, TopicSchema]:
    table = {}
    for t in topics:
        newest = catalog.newest(t.record)
        table[t.name] = TopicSchema(t, newest, WritePlan(expand_schema(newest.parsed)))
    return table


def lookup(table: dict[str, TopicSchema], topic_name: str) -> TopicSchema:
    try:
        return table[topic_name]
    except KeyError:
        raise KeyError(f"unknown topic {topic_name!r}; known: {sorted(table)}") from None
