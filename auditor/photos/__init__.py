"""Photos as bytes: the Pillow pipeline (identify, limits, orientation, re-encode, thumbnail),
the EXIF it reads (`metadata`: capture time, position, orientation) and media storage (local
disk or S3), content-addressed.

Knows bytes, not rows: imports only `core.errors`; the rows of a photo live in `audits`.
"""
