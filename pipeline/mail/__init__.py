"""press mail: a published release (or its press copy under embargo) to each journalist on a list, once.

Takes a release source, a recipients list (CSV) and the outputs of the last export (the PDF and the wire
text, from dist/ or the press-copy folder); gives one message per recipient, to an SMTP server or as
.eml files, each recorded in a send log so that whoever got it is skipped next time.
"""
