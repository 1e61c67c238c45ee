"""The segment classifier: label set, training, and fast inference."""
