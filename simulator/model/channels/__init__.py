"""The submodels that turn a week's choices into a week's new state, run in a fixed documented order."""
