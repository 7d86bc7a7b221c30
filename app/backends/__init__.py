"""app.backends."""
