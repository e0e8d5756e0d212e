"""Scenario files: reading, checking and merging the YAML that declares a question, its horizon and its levers."""

from .loader import Scenario, load, read_mapping

__all__ = ["Scenario", "load", "read_mapping"]
