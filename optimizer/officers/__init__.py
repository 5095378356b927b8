"""Posting the Ministry's 34 support officers, one to each province (Decision 878/QĐ-BNV).

    inputs (the problem as numbers) → assignment (GLOP + dual certificate + secondary rule)
      → explain (needs covered, alternatives, why not) → posting (`post_officers`) → files

`post_officers(ds, ...) -> Postings` and `write_postings(postings, out_dir, note)` are the
public entry points; see `optimizer.officers.posting` for the rules and why the result is exact.
"""
from optimizer.officers.files import write_postings
from optimizer.officers.inputs import PostingError, parse_expertise
from optimizer.officers.posting import (EXPLANATION_COLUMNS, POSTINGS_COLUMNS, SECONDARY_RULE, UNPOSTED_COLUMNS,
                                        Postings, post_officers)
from optimizer.output.vocabulary import AREA_LABELS, OFFICER_LABELS_VI

COLUMN_LABELS = OFFICER_LABELS_VI   # the name the officers' tests and notebooks know

__all__ = ["AREA_LABELS", "COLUMN_LABELS", "EXPLANATION_COLUMNS", "POSTINGS_COLUMNS", "SECONDARY_RULE",
           "UNPOSTED_COLUMNS", "PostingError", "Postings", "parse_expertise", "post_officers", "write_postings"]
