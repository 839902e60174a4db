"""One module per page of the main window: Protect, Check, Catalog, Identity & settings."""
