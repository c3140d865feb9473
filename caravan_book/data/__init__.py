"""Layer 2, data: the tables, their schemas and validation, the selection a page is made for, and queries."""
