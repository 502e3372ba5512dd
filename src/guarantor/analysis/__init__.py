"""Decision analysis over many solves: sweeps, sensitivity, uncertainty and trade-off frontiers.

Every analysis shares one fast re-solve path (`engine.Engine` over `guarantor.fast`):
the model is built and passed to HiGHS once per scenario structure, and each variant
changes numbers in place.
"""
