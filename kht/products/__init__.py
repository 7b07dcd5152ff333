"""The product catalogue: products, price lists and the price a customer pays."""
