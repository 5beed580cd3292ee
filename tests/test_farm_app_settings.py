"""The farm's Celery settings that decide what happens to a submission when something is lost:
said explicitly, so a new Celery default cannot change them unnoticed."""

from __future__ import annotations

import pytest

from autograder.farm import app as farm_app

pytestmark = pytest.mark.farm


def test_grading_goes_on_when_redis_is_lost() -> None:
    conf = farm_app.create_app("redis://h:6379/0").conf
    # set (Celery 6 warns when it is not), and off: the result is stored once Redis is back
    assert "worker_cancel_long_running_tasks_on_connection_loss" in conf.changes, conf.changes
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is False


def test_the_visibility_timeout_defaults_to_the_limit_and_can_be_set() -> None:
    default = farm_app.create_app("redis://h:6379/0", time_limit=900).conf
    assert default.broker_transport_options["visibility_timeout"] == 2940, default
    short = farm_app.create_app("redis://h:6379/0", time_limit=900, visibility=20).conf
    options = short.broker_transport_options
    assert options["visibility_timeout"] == 20, options
    # a lost submission is looked for often enough, and the look's lock expires before
    assert options["unacked_restore_interval"] <= 20 / 4, options
    assert options["unacked_mutex_expire"] < 20, options


def test_the_worker_does_not_repeat_celerys_warning_about_that_setting() -> None:
    import warnings

    from celery.exceptions import CPendingDeprecationWarning
    from celery.worker.consumer.consumer import CANCEL_TASKS_BY_DEFAULT

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        farm_app.quiet_connection_loss_warning()
        warnings.warn(CANCEL_TASKS_BY_DEFAULT, CPendingDeprecationWarning, stacklevel=1)
    assert [str(w.message)[:60] for w in seen] == [], "Celery's warning is still shown"
