"""Parameter sweeps: many worlds, each with its own parameter values, run in chunks that are saved as they finish."""
