"""reportqa evaluation harness: gold files, figure-aware scoring, reports and benchmarks."""
