"""Configuration of the owner loop (Slack, approvals API, deadlines), from the environment.

Slack's own variable names are kept (`SLACK_BOT_TOKEN`, `SLACK_SIGNING_SECRET`); the
rest use the `SAVEROUTE_` prefix. Kafka and Redis come from the shared
`RuntimeSettings`. Secrets are `SecretStr`, so they never print.
"""

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from saveroute.owner.chain import ChainRules


class OwnerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAVEROUTE_", env_file=".env", extra="ignore")

    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "SAVEROUTE_SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "SAVEROUTE_SLACK_SIGNING_SECRET"))
    slack_api_url: str = "https://slack.com/api/"
    slack_default_channel: str = "#saveroute"
    slack_staff_channel: str = "#saveroute-staff"
    slack_escalation_channel: str | None = None  # managers without a Slack id; default channel if unset
    slack_role_channels: dict[str, str] = Field(default_factory=dict)  # {"finance": "C0FIN", ...}
    slack_people: dict[str, str] = Field(default_factory=dict)  # person id -> Slack user id (managers)
    slack_max_retries: int = Field(default=5, ge=0)

    api_token: SecretStr | None = None  # Bearer token of POST /approvals/{task_id}
    approvals_host: str = "127.0.0.1"
    approvals_port: int = 8088
    approvals_url: str = "http://127.0.0.1:8088"  # where `saveroute approve` sends decisions
    approvals_parallel_review: bool = True  # finance and executive review together after the owner

    owner_key_prefix: str = "saveroute:owner:"
    deadline_poll_seconds: float = Field(default=1.0, gt=0)
    deadline_lease_seconds: float = Field(default=60.0, gt=0)
    deadline_metrics_port: int = 0  # 0 = no metrics server for the deadline worker

    def chain_rules(self) -> ChainRules:
        """The chain knobs: the policy's `approvals.parallel_review` when it has one, else ours."""
        try:
            from saveroute.policy import load_policy

            return ChainRules(parallel_review=load_policy().approvals.parallel_review)
        except Exception:  # noqa: BLE001 — a missing/invalid policy must not stop the loop's own knob
            return ChainRules(parallel_review=self.approvals_parallel_review)
