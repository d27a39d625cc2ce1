"""Schema, dates, errors, messages in English and Japanese, style: no pandas at import where avoidable, no I/O."""
