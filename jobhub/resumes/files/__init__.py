"""Uploaded files, a library (not a domain): what a file is from its bytes, and its names.

No database, no Flask app: ``filetypes.detect`` reads a stream, ``filenames`` cleans
names. The resumes domain stores what they return.
"""
