"""What a run produces: the ensemble summary, the story of a typical world, figures, predictions revealed, and the
run folder that holds them."""
