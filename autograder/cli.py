"""``docker-course``: a thin command line over the library modules."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import CourseError


class _Group(click.Group):
    """Turns a :class:`CourseError` into its message, its fix and its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CourseError as exc:
            click.echo(f"✗ {exc.message}", err=True)
            if exc.fix:
                click.echo(f"  → {exc.fix}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group)
@click.version_option(package_name="docker-course")
def cli() -> None:
    """The Docker images-vs-containers course: engine, images, checks and grading."""


# --- engine -------------------------------------------------------------------------------
@cli.group(cls=_Group)
def engine() -> None:
    """Start, inspect or stop the Docker engine the course uses."""


@engine.command("up")
def engine_up() -> None:
    """Use the engine that answers, else start dockerd (Linux, root)."""
    from . import engine as eng

    info = eng.up()
    owner = f"started by docker-course (pid {info.pid})" if info.pid else "already running"
    click.echo(
        f"✓ engine {owner}: Docker {info.version}, API {info.api_version}, "
        f"storage {info.storage_driver}, at {info.host}"
    )


@engine.command("status")
def engine_status() -> None:
    """Say whether the engine answers and who started it (exit 1 when it does not answer)."""
    from . import engine as eng

    spec = eng.default_spec()
    info = eng.probe(spec)
    if info is None:
        click.echo(f"✗ no engine answers at {spec.base_url()} (start one: docker-course engine up)")
        sys.exit(1)
    owner = (
        f"started by docker-course, pid {info.pid}, log {spec.logfile}"
        if info.pid
        else "not started by docker-course (`engine down` leaves it alone)"
    )
    click.echo(
        f"✓ engine at {info.host}: Docker {info.version}, API {info.api_version}, "
        f"storage {info.storage_driver}, data {info.root_dir}; {owner}"
    )


@engine.command("down")
def engine_down() -> None:
    """Stop the engine only if `engine up` started it."""
    from . import engine as eng

    spec = eng.default_spec()
    pid = eng.down(spec)
    if pid is None:
        click.echo(
            f"nothing to stop: no engine started by docker-course ({spec.base_url()} is left alone)"
        )
    else:
        click.echo(f"✓ stopped dockerd (pid {pid})")


# --- images -------------------------------------------------------------------------------
@cli.group(cls=_Group)
def images() -> None:
    """The course's base images: prepare, list, bundle, load."""


def _client():
    from . import engine as eng

    return eng.client()


@images.command("prepare")
@click.option("--offline", is_flag=True, help="Do not try to pull; build stand-ins.")
def images_prepare(offline: bool) -> None:
    """Make every course image present: pull it, else build an offline stand-in."""
    from . import images as img

    states = img.prepare(_client(), pull=False if offline else None)
    for state in states:
        click.echo(
            ("✓ " if state.status == "real" else "! ") + state.describe()
            if state.status != "missing"
            else "✗ " + state.describe()
        )


@images.command("list")
def images_list() -> None:
    """List the course images and say which are offline stand-ins (exit 1 if one is missing)."""
    from . import images as img

    states = img.list_states(_client())
    for state in states:
        mark = {"real": "✓", "stand-in": "!", "missing": "✗"}[state.status]
        click.echo(f"{mark} {state.describe()}")
    if any(s.status == "missing" for s in states):
        sys.exit(1)


@images.command("bundle")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    help="The tar file to write.",
)
def images_bundle(output: Path) -> None:
    """Save all course images (with their tags) into one tar for a classroom."""
    from . import bundle as bnd
    from . import images as img

    refs = [ref for image in img.COURSE_IMAGES for ref in image.refs]
    bnd.bundle(_client(), refs, output, report=click.echo)


@images.command("load")
@click.argument("file", type=click.Path(path_type=Path))
def images_load(file: Path) -> None:
    """Verify a bundle, then load it into the engine."""
    from . import bundle as bnd

    bnd.load(_client(), file, report=click.echo)


# --- doctor -------------------------------------------------------------------------------
@cli.command()
@click.option("--quick", is_flag=True, help="Skip the checks that start containers.")
def doctor(quick: bool) -> None:
    """Check this machine for the course; print the fix for every ✗."""
    from . import doctor as doc

    report = doc.run(quick=quick)
    click.echo(report.text())
    sys.exit(0 if report.ok else 1)


# --- execute ------------------------------------------------------------------------------
@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--output", type=click.Path(path_type=Path), help="Where executed copies go.")
@click.option("--private", is_flag=True, help="Each notebook on a fresh private engine.")
@click.option("-j", "--jobs", default=1, show_default=True, help="Parallel notebooks (--private).")
@click.option("--cell-timeout", default=300, show_default=True, help="Seconds per cell.")
@click.option(
    "--lane",
    type=click.Choice(["course", "modern-containerd", "modern-overlay2"]),
    default="course",
    show_default=True,
    help="Which engine: the course's, or Docker 28 + BuildKit from Debian sid with the "
    "containerd image store or overlay2 (built once into .course/modern-engine/).",
)
def execute(paths, output, private, jobs, cell_timeout, lane) -> None:
    """Run notebooks with papermill (default: notebooks/ and source/); exit 1 on a failure."""
    from . import execute as exe

    outcomes = exe.main(
        list(paths) or None,
        output=output,
        private=private,
        jobs=jobs,
        cell_timeout=cell_timeout,
        lane=lane,
        report=click.echo,
    )
    sys.exit(0 if all(o.ok for o in outcomes) else 1)


# --- the student's lab ----------------------------------------------------------------------
@cli.command()
@click.option("--path", type=click.Path(path_type=Path), help="The student workspace folder.")
@click.option("--port", default=8888, show_default=True, help="JupyterLab's port.")
@click.option("--ip", default="127.0.0.1", show_default=True, help="Where JupyterLab listens.")
@click.option(
    "--exchange",
    type=click.Path(file_okay=False, path_type=Path),
    help="nbgrader exchange folder: shows the Assignment List (fetch, submit).",
)
@click.option("--course-id", default="docker-course", show_default=True, help="With --exchange.")
def lab(path, port, ip, exchange, course_id) -> None:
    """JupyterLab for a student on the student workspace (no solutions, no teacher tools)."""
    from . import engine as eng
    from . import lab as lab_

    lab_.main(
        eng.project_root(), path=path, port=port, ip=ip, exchange=exchange, course_id=course_id
    )


@cli.group(cls=_Group)
def workspace() -> None:
    """The student workspace: welcome, cheat sheet and released sections, outside the checkout."""


@workspace.command("sync")
@click.option("--path", type=click.Path(path_type=Path), help="Default ~/docker-course-lab.")
@click.option(
    "--no-sections",
    is_flag=True,
    help="Only the welcome and the cheat sheet (nbgrader's exchange hands out the sections).",
)
def workspace_sync(path, no_sections) -> None:
    """Copy what is missing; update what the student has not edited; keep the rest."""
    from . import engine as eng
    from . import workspace as ws

    ws.sync(eng.project_root(), path, sections=not no_sections, report=click.echo)


@workspace.command("reset")
@click.argument("section")
@click.option("--path", type=click.Path(path_type=Path), help="Default ~/docker-course-lab.")
def workspace_reset(section, path) -> None:
    """Start SECTION (e.g. 03-commit-save-load) afresh; your copy goes to .backups/."""
    from . import engine as eng
    from . import workspace as ws

    ws.reset(eng.project_root(), section, path, report=click.echo)


# --- class ----------------------------------------------------------------------------------
@cli.group("class", cls=_Group)
def class_() -> None:
    """The class server: JupyterHub with a JupyterLab and a Docker engine per student."""


@class_.command("up")
@click.argument("roster", type=click.Path(path_type=Path))
@click.option("--teacher", required=True, help="The teacher's id (the hub's admin).")
@click.option("--bind", "ip", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True)
@click.option(
    "--login-config",
    type=click.Path(path_type=Path),
    help="JupyterHub settings appended last, e.g. an LTI 1.3 or OAuth log-in for an LMS "
    "(docs/class-login.md); without it, the roster's passwords.",
)
def class_up(roster, teacher, ip, port, login_config) -> None:
    """Start the hub for the students of ROSTER (a CSV of ids); passwords go to a sheet."""
    from . import engine as eng
    from .hub import server

    server.up(
        eng.project_root(), roster, teacher=teacher, ip=ip, port=port,
        login_config=login_config, echo=click.echo,
    )  # fmt: skip


@class_.command("status")
def class_status() -> None:
    """Whether the hub runs, and where."""
    from . import engine as eng
    from .hub import server

    click.echo(server.status(server.state_dir(eng.project_root())).text())


@class_.command("release")
@click.argument("assignment")
def class_release(assignment) -> None:
    """Put ASSIGNMENT (e.g. 02-build-run) in every student's Assignments panel."""
    from . import engine as eng
    from .hub import exchange, server

    root = eng.project_root()
    click.echo(exchange.release_to_students(root, server.state_dir(root), assignment).strip())


@class_.command("collect")
@click.argument("assignment")
def class_collect(assignment) -> None:
    """Bring the students' submissions of ASSIGNMENT into the class's course folder."""
    from . import engine as eng
    from .hub import exchange, server

    root = eng.project_root()
    state = server.state_dir(root)
    click.echo(exchange.collect(state, assignment, course=exchange.course_id(root)).strip())
    click.echo(f"grade them with: docker-course grade {exchange.course_dir(state)}")


@class_.command("down")
def class_down() -> None:
    """Stop the hub and its proxy (accounts and the database stay)."""
    from . import engine as eng
    from .hub import server

    server.down(server.state_dir(eng.project_root()), echo=click.echo)


@cli.command("student-pack")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default="docker-course-student.zip",
    show_default=True,
)
def student_pack(output) -> None:
    """A zip of what a student needs: package, welcome, cheat sheet, release/ (no solutions)."""
    from . import engine as eng
    from . import student_pack as pack

    pack.build(eng.project_root(), output, report=click.echo)


@cli.command()
@click.option(
    "--stamp",
    is_flag=True,
    help="Write the times into the section titles, the welcome notebook and README.",
)
def clock(stamp: bool) -> None:
    """How long each section takes a beginner, part by part, and the core path (the method:
    README)."""
    from . import clock as clk
    from . import engine as eng

    root = eng.project_root()
    click.echo(clk.report(root))
    if stamp:
        for path in clk.stamp(root):
            click.echo(f"stamped {path.relative_to(root)}")


# --- release ------------------------------------------------------------------------------
@cli.command()
@click.argument("assignments", nargs=-1)
def release(assignments) -> None:
    """Regenerate release/ from source/ with nbgrader (all assignments by default)."""
    from . import release as rel

    rel.main(only=list(assignments) or None, report=click.echo)


# --- grade --------------------------------------------------------------------------------
def _grade_defaults() -> dict:
    from . import grade as grd

    return grd.main.__kwdefaults__


@cli.command()
@click.argument(
    "course", type=click.Path(exists=True, file_okay=False, path_type=Path), default="."
)
@click.option("--assignment", help="Only this assignment (default: all).")
@click.option("--student", help="Only this student.")
@click.option(
    "-j", "--jobs", type=int, help="Submissions at once (default: cores + 1, as memory allows)."
)
@click.option("--time-limit", type=float, help="Seconds one submission may take in all.")
@click.option("--no-feedback", is_flag=True, help="Skip nbgrader generate_feedback.")
@click.option(
    "--backend",
    type=click.Choice(["auto", "rootless", "rootless-modern", "private", "shared"]),
    default="auto",
    show_default=True,
    help="rootless-modern: a fresh rootless engine per submission, kernel and engine jailed as "
    "a grading user (Linux, root to set up), Docker 28 from a Debian sid tree made once "
    "(faster commits and builds); rootless: the same on Debian's Docker 20.10; private: an "
    "engine as root, not jailed; auto: the first of these that works here, else shared "
    "(each report says what was missing).",
)
@click.option(
    "--zip",
    "zip_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An LMS download (zip) to import into submitted/ first.",
)
@click.option("--zip-pattern", help="Regex with student_id and file_id groups for --zip names.")
@click.option("--force", is_flag=True, help="Regrade submissions graded already (unchanged).")
@click.option("--memory-mb", type=int, help="Memory of one submission (kernel + containers).")
@click.option("--pids", type=int, help="Processes of one submission.")
@click.option("--cpus", type=float, help="CPUs of one submission.")
@click.option("--disk-mb", type=int, help="Disk of one submission's engine and work folder.")
@click.option(
    "--farm",
    metavar="URL",
    help="Grade on the grading farm's workers through this Redis (redis://, rediss://, "
    "redis+socket://); this machine merges the results (docs/farm.md).",
)
def grade(
    course,
    assignment,
    student,
    jobs,
    time_limit,
    no_feedback,
    backend,
    zip_file,
    zip_pattern,
    force,
    memory_mb,
    pids,
    cpus,
    disk_mb,
    farm,
) -> None:
    """Autograde COURSE's submitted/ with nbgrader, each submission on its own engine."""
    from .grading import launcher

    launcher.warm_up()  # first: the forkserver imports nbgrader while this process does (~1 s)
    from . import grade as grd

    defaults = _grade_defaults()
    outcomes = grd.main(
        course,
        assignment=assignment,
        student=student,
        jobs=jobs or defaults["jobs"],
        time_limit=time_limit or defaults["time_limit"],
        feedback=not no_feedback,
        backend=backend,
        zip_file=zip_file,
        zip_pattern=zip_pattern or defaults["zip_pattern"],
        force=force,
        limits=_limits(memory_mb=memory_mb, pids=pids, cpus=cpus, disk_mb=disk_mb),
        farm=farm,
        echo=click.echo,
    )
    grd.before_exit()
    # a student's missing, broken or endless notebook is a grade (0), not a failure of grading
    sys.exit(1 if any(o.status == "error" for o in outcomes) else 0)


@cli.command()
@click.option("--broker", required=True, metavar="URL", help="The farm's Redis (as grade --farm).")
@click.option("-c", "--concurrency", type=int, help="Submissions graded at once (default 1).")
@click.option(
    "--backend",
    type=click.Choice(["rootless-modern", "rootless", "private"]),
    help="rootless-modern (default): jailed engine and kernel, Docker 28 from a Debian sid tree "
    "(made once); rootless: the same on Debian's Docker 20.10; private: root engines, not jailed.",
)
@click.option("--time-limit", type=float, help="The longest --time-limit the teacher gives.")
@click.option("--hostname", help="This worker's name in the report (default celery@host).")
@click.option(
    "--visibility-timeout",
    type=float,
    help="Seconds before a lost worker's submission is graded elsewhere "
    "(default 3 × time limit + 240 s).",
)
def worker(broker, concurrency, backend, time_limit, hostname, visibility_timeout) -> None:
    """Grade submissions for `grade --farm` until stopped, each on its own engine."""
    from .farm import worker as wrk

    defaults = wrk.main.__kwdefaults__
    wrk.main(
        broker,
        concurrency=concurrency or defaults["concurrency"],
        backend=backend or defaults["backend"],
        time_limit=time_limit or defaults["time_limit"],
        hostname=hostname,
        visibility=visibility_timeout or defaults["visibility"],
        echo=click.echo,
    )


@cli.command()
@click.argument(
    "course", type=click.Path(exists=True, file_okay=False, path_type=Path), default="."
)
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), help="Save the figure.")
@click.option("--checks", type=int, help="How many of the hardest checks the figure shows.")
def dashboard(course, png, checks) -> None:
    """Summarise a graded COURSE: scores, check pass rates, times, flagged submissions."""
    from . import dashboard as dash

    dash.main(course, png=png, checks=checks or dash.main.__kwdefaults__["checks"], echo=click.echo)


def _limits(**given):
    """Per-submission limits: the defaults, with what the teacher gave on the command line."""
    import dataclasses

    from .grading.limits import DEFAULT

    return dataclasses.replace(DEFAULT, **{k: v for k, v in given.items() if v is not None})


def main() -> None:
    cli(prog_name="docker-course")


if __name__ == "__main__":
    main()
