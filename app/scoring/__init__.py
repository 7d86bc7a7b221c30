"""The scored answer route: candidates, features, a fitted model, decisions."""
