"""The ways people use the model: the `sim` command, the HTML debrief and the classroom dashboard."""
