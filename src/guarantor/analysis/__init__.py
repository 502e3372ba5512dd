"""Decision analysis over many solves: sweeps, sensitivity, uncertainty and trade-off frontiers.

Every analysis shares one fast re-solve path (`engine.Engine` over `guarantor.solve.fast`):
the model is built and passed to HiGHS once per scenario structure, and each variant
changes numbers in place.

Stage 7: it may import `report`, `plans`, `answer` and every stage below; not `api` or `cli`.
"""
