"""Guarantor: who sends what, who pays, and how much US air support a security guarantee needs."""

__version__ = "0.1.0"
