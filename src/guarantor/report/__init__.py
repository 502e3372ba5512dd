"""Stage 6, reports: tables, charts, documents (Markdown/HTML), payloads, terminal summaries,
comparisons. It may import `plans`, `answer` and the stages below; it never solves.
"""
