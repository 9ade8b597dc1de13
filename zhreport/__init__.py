"""zhreport: Chinese government reports -> structured, checkable data.

    >>> import zhreport
    >>> r = zhreport.extract("全年共收到政府信息公开申请13件，其中当面申请1件。", year=2018)
    >>> {k: v.value for k, v in r.form.items()}
    {'requests.received.total': Decimal('13'), 'requests.received.by_channel.in_person': Decimal('1')}
"""
from __future__ import annotations

import logging

__version__ = "0.1.0"
__all__ = ["extract", "extract_file", "normalize", "Report", "Fact", "FieldValue", "Check", "Repair",
           "ReadError", "DataError", "ZhReportError", "__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str):
    # lazy: importing zhreport loads no data tables, no jieba and no OpenCC
    if name == "normalize":  # the subpackage, callable as its normalize() function
        from . import normalize
        return normalize
    if name in ("extract", "extract_file"):
        from . import pipeline
        return getattr(pipeline, name)
    if name in ("Report", "Fact", "FieldValue", "Check", "Repair"):
        from . import types
        return getattr(types, name)
    if name in ("ReadError", "DataError", "ZhReportError"):
        from . import errors
        return getattr(errors, name)
    raise AttributeError(f"module 'zhreport' has no attribute {name!r}")
