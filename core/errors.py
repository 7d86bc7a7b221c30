"""Domain errors; the CLI, the API and the web chat translate them at their edge."""


class ReportQAError(Exception):
    """Base class: every error we raise on purpose. The message is meant for people."""

    code = "reportqa_error"


class BadInput(ReportQAError):
    """A file or request we cannot use (empty, binary, unknown format, invalid gold line)."""

    code = "bad_input"


class UnknownBackend(ReportQAError):
    """A setting names an embedder, store or LLM we do not know."""

    code = "unknown_backend"


class ModelMismatch(ReportQAError):
    """The vector collection was built with another embedding model than the settings ask for."""

    code = "model_mismatch"


class IndexNotBuilt(ReportQAError):
    """Nothing has been ingested yet."""

    code = "index_not_built"


class NotFound(ReportQAError):
    """A document or other record does not exist."""

    code = "not_found"


class LLMUnavailable(ReportQAError):
    """An LLM was asked for but cannot be reached or loaded."""

    code = "llm_unavailable"


class TooLong(BadInput):
    """A question or message longer than the service answers (HTTP 422)."""

    code = "too_long"
