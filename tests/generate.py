"""The look-alike report generator, kept where the tests have always imported it from (it lives in eval.generate)."""

from eval.generate import (
    ABSENT_METRICS,
    OTHER_ORGS,
    Report,
    answerable_elsewhere,
    make_report,
    short_org,
    write_reports,
)

__all__ = ["ABSENT_METRICS", "OTHER_ORGS", "Report", "answerable_elsewhere", "make_report", "short_org",
           "write_reports"]
