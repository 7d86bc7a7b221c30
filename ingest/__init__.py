"""reportqa ingest: load, clean, tag, chunk and extract figures from reports."""
