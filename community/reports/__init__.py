"""Reports for the city's review: XLSX and CSV, from the command line or a staff page."""
