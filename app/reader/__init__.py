"""app.reader: a chat model reads the ranked candidates where the extractive path is unsure; app.reader.guard checks
every figure it writes against the sources it cites."""
