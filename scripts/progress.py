"""One progress shape for every long job (training, model build, batch scoring): a rich bar on a terminal,
and plain lines at every tenth of the work when stderr is a log file or a CI console, where a live bar
would print nothing until the job ends."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

Update = Callable[[str, int, int], None]


class RateColumn(ProgressColumn):
    """Items per second, so a batch job shows transcripts/s beside its ETA."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f}/s" if task.speed else "")


def plain_lines(title: str, console: Console, steps: int = 10) -> Update:
    """A callback that prints one line each time the work crosses another 1/`steps` of its total."""
    started = time.monotonic()
    printed = -1

    def update(description: str, done: int, total: int) -> None:
        nonlocal printed
        step = done * steps // total if total else 0
        if step > printed:
            printed = step
            elapsed = time.monotonic() - started
            console.print(f"{title}: {description} {done}/{total} ({elapsed:.0f} s)", highlight=False, soft_wrap=True)

    return update


@contextmanager
def progress_bar(title: str, console: Console | None = None) -> Iterator[Update]:
    """Yield a callback(description, done, total) that reports progress on stderr."""
    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield plain_lines(title, console)
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(), TimeElapsedColumn(),
        TimeRemainingColumn(), console=console,
    ) as bar:
        task = bar.add_task(title, total=None)

        def update(description: str, done: int, total: int) -> None:
            bar.update(task, description=f"{title}: {description}", completed=done, total=total)

        yield update
