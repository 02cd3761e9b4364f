"""ev-alliance-watch helpers."""
