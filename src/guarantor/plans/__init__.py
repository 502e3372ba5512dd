"""Stage 5, hand-made plans: reading, completing, saving and evaluating them against the optimum.
It may import `answer` and the stages below it.
"""
