"""Assessment: the criteria library and its criteria per go-live × area, their RAG or live
reading (computed thresholds), the board of areas × domains with weighted scores, and the
readiness groups whose co-chairs own the domains."""
