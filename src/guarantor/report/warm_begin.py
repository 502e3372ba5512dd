"""First of the report workers' fork-server preloads: no cyclic garbage collection while the
report stack is imported (about 10% of a second's import; `warm_end` turns it back on).

Importing pandas and matplotlib creates hundreds of thousands of objects, none of them garbage,
and the collector scanned them repeatedly as they piled up.
"""

import gc

gc.disable()
