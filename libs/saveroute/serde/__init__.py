"""Bytes on the wire: Avro schemas, model <-> datum conversion, and the two framings.

`make_codec()` picks the framing from configuration: Avro single-object encoding
(registry-free, the default) or the Confluent Schema Registry wire format.
"""

from saveroute.serde.codec import Codec, make_codec
from saveroute.serde.errors import DecodeError
from saveroute.serde.keys import decode_key, encode_key, key_of

__all__ = ["Codec", "DecodeError", "decode_key", "encode_key", "key_of", "make_codec"]
