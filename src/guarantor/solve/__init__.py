"""Stage 3, solving: the PuLP path, the fast in-place HiGHS path and its array models, status
mapping, and the post-solve stages every answer goes through (lexicographic levels, MIP polishing,
common-pool balancing). It may import `model` and `scenario`.
"""
