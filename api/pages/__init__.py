"""Server-rendered pages: the upload form and the balance report, built on the same analysis as /v1/analyze."""
