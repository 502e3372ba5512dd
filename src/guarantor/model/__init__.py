"""Stage 2, the model: scenario -> parameters -> a solver-neutral linear model, one module per family
of constraints (`forces`, `money`) and `build` to assemble them. It may import `scenario`.
"""
