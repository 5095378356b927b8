"""Explanations of a plan: why posts stay unfilled and surplus stays (reasons), what one more
person or km is worth (sensitivity), and the leximin-fair plan (fairness). CONTRACT.md §7."""
