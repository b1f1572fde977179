"""The resource types, one module per group; each registers its types at import."""
