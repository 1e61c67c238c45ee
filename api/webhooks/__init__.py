"""Recording tools that deliver transcripts: signature checks, payload reading, and the downloads jobs make."""
