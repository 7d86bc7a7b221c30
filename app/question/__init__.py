"""app.question.parse."""
