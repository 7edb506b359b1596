"""gunicorn reads this file from its working directory (the image's /app, or the checkout)."""

# The access line without the query string (%(U)s is the path only, where the default's
# %(r)s is the whole request line) and without the referrer (%(f)s, which carries the
# previous page's query string): people search for NHS numbers and staff names, and search
# terms travel in GET query strings (/staff/?q=...).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
