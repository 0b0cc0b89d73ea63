"""A real Redis connection that counts its round trips, to prove work is batched."""

import redis


class CountingConnection(redis.Connection):
    """Counts every write to the socket: one per command, or one per pipeline."""

    sends = 0

    def send_packed_command(self, command, check_health=True):  # type: ignore[no-untyped-def]
        CountingConnection.sends += 1
        return super().send_packed_command(command, check_health)


def counting_client(redis_url: str) -> redis.Redis:
    return redis.Redis(connection_pool=redis.ConnectionPool.from_url(redis_url, connection_class=CountingConnection))
