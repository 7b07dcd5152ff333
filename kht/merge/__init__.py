"""Finding duplicate customers and contacts, and merging them."""
