"""Scenarios against a named baseline on paired worlds: running them, the paired statistics, and the comparison
folder."""
