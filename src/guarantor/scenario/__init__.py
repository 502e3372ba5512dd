"""Stage 1, the scenario: reading YAML with the file, line and column of every value, `extends:`,
merging and `--set`, the schemas, validation and cross-checks, key paths, provenance, the JSON Schema
and key reference. It imports nothing of Guarantor's but `errors` and `atomic`.
"""
