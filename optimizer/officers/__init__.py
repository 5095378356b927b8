"""Posting the Ministry's support officers to provinces (Decision 878/QĐ-BNV)."""
from optimizer.officers.matching import *  # noqa: F401,F403
from optimizer.officers.matching import (AREA_LABELS, COLUMN_LABELS, POSTINGS_COLUMNS, PostingError,  # noqa: F401
                                         Postings, parse_expertise, post_officers, write_postings)
