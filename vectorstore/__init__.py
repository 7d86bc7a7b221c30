"""reportqa stores: Chroma vectors, BM25 index and the SQL document/figure tables."""
