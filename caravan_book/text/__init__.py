"""Layer 1, article text: reading an article and finding numbers, dates and quotations in it (no pandas)."""
