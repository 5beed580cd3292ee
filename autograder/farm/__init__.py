"""The grading farm: ``docker-course grade --farm URL`` hands submissions to
``docker-course worker`` processes on other machines through Redis (Celery), and stays the
one writer of the gradebook, the journal and the reports.

``app`` (the Celery app and its settings), ``payload`` (a submission and a result as JSON),
``kit`` (what a worker needs of the course), ``attempts`` (submissions that kill workers),
``tasks`` (one task grades one submission), ``client`` (enqueue, progress, merge),
``worker`` (``docker-course worker``), ``redis_server`` (Debian's redis-server for tests).
"""
