"""Job search: the full-text index, the search as SQL (filters, sorts, cursors), the cache."""
