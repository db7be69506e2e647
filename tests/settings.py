"""Test settings: Guanxi's own, with a throw-away data dir, jobs run inline, fast hashing."""

import os
import tempfile

os.environ.setdefault("GUANXI_DATA_DIR", tempfile.mkdtemp(prefix="guanxi-test-"))
os.environ["GUANXI_JOBS_IMMEDIATE"] = "1"
os.environ.pop("GUANXI_REDIS_URL", None)

from guanxi.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
