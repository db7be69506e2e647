"""gunicorn's settings for ``guanxi serve``: its own log lines read like the app's, in the
app's time zone (the master process never loads Django, whose settings set the zone)."""

import os
import time

from guanxi import settings

os.environ["TZ"] = settings.TIME_ZONE
time.tzset()

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": settings.LOGGING["formatters"],
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["stdout"], "level": settings.LOG_LEVEL},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": settings.LOG_LEVEL, "propagate": False},
        # Our request log (core.middleware) already writes one line a request.
        "gunicorn.access": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
    },
}
