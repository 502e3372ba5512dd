"""Last of the report workers' fork-server preloads: garbage collection back on, with everything
imported frozen (never scanned again, so forked workers do not touch, and copy, those pages)."""

import gc

gc.enable()
gc.freeze()
