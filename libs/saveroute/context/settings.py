"""Where the enrichment service keeps account and ticket context in Redis."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class ContextSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAVEROUTE_", env_file=".env", extra="ignore")

    context_key_prefix: str = "saveroute:ctx:"
    case_key_prefix: str = "saveroute:case:"
