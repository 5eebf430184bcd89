"""The dashboard's pages, one module per part; each imports its part's service and the shared web pieces, never the API routes."""
