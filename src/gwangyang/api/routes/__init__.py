"""The API routes, one module per part (``/api/v1/<part>``); each imports its part's service, never the pages."""
