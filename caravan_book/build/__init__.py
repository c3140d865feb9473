"""Layer 4, build and publish: sections and parameters, running the pages, the site, editions and handouts."""
