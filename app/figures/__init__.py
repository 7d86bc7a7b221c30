"""app.figures."""
