"""The intake tool, apart from the book: proposing sourced rows from a new article and accepting them."""
