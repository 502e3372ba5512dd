"""Stage 4, what a solution means: decisions and metrics, the `Result`, explanations, the
infeasibility diagnosis and the solver-independent checker. It may import `solve`, `model`, `scenario`.
"""
