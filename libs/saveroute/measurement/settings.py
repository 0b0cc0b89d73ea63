"""Measurement configuration: the reporting currency, FX rates, how long state is kept.

From the environment (prefix `SAVEROUTE_`), e.g.
`SAVEROUTE_REPORTING_CURRENCY=USD` and `SAVEROUTE_FX_RATES='{"EUR":1.08,"GBP":1.27}'`
(one unit of the currency in the reporting currency). Bad values fail at start.
"""

import re
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ISO_CODE = re.compile(r"^[A-Z]{3}$")


class MeasurementSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAVEROUTE_", extra="ignore", frozen=True)

    reporting_currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    fx_rates: dict[str, float] = Field(default_factory=dict)
    # Idempotency marks and join facts outlive the broker's retention by a margin.
    state_ttl_days: Annotated[int, Field(gt=0)] = 400
    # Where the metrics service keeps marks, join facts and totals in Redis. Unset: next to
    # the runtime's idempotency keys, so a namespaced fleet gets its own totals.
    measurement_key_prefix: str | None = None

    @field_validator("fx_rates")
    @classmethod
    def _rates_valid(cls, rates: dict[str, float]) -> dict[str, float]:
        for code, rate in rates.items():
            if not ISO_CODE.match(code):
                raise ValueError(f"{code!r} is not an ISO 4217 code (three capital letters)")
            if not rate > 0:
                raise ValueError(f"rate for {code} must be > 0, got {rate}")
        return rates

    def key_prefix(self, idempotency_key_prefix: str) -> str:
        if self.measurement_key_prefix:
            return self.measurement_key_prefix
        return f"{idempotency_key_prefix.removesuffix('done:')}measurement:"

    def rate(self, currency: str) -> float | None:
        """One unit of `currency` in the reporting currency, or None when not configured."""
        if currency == self.reporting_currency:
            return 1.0
        return self.fx_rates.get(currency)
