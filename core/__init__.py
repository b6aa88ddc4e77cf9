"""Cross-cutting pieces every package uses: settings, database, errors, logging."""
