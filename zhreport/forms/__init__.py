"""The statistics forms: schemas, printed tables, narrative mapping, detection."""
