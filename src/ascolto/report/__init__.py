"""Reports: static HTML built from plain data that library functions compute from the store."""
