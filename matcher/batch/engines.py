"""Engines run :func:`~matcher.batch.partition.match_partition` over partitions.

``local`` runs them one after another in this process; ``dask`` submits them to a Dask
distributed cluster (a ``LocalCluster`` of ``workers`` single-threaded processes, or the
scheduler at ``scheduler``). A stored corpus (:class:`matcher.batch.source.StoredCorpus`)
reaches the workers as its small recipe and each worker builds the context once; a context
built in the driver is shipped once with ``scatter``. Both hand each finished partition to
``on_done`` in the driver, which checkpoints it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from matcher.batch.partition import InputError, MatchContext, PartitionResult, match_partition
from matcher.batch.prescreen import Patient
from matcher.batch.source import StoredCorpus
from matcher.batch.types import BatchOptions
from rules.errors import ConfigError

Todo = Sequence[tuple[int, Sequence[Patient | InputError]]]
OnDone = Callable[[int, PartitionResult], None]
Source = MatchContext | StoredCorpus


def run_local(todo: Todo, source: Source, on_done: OnDone) -> None:
    ctx = source.load()
    for index, records in todo:
        on_done(index, match_partition(records, ctx))


def run_dask(todo: Todo, source: Source, on_done: OnDone, *, options: BatchOptions) -> None:
    from distributed import Client, LocalCluster, as_completed

    if options.scheduler:
        try:
            client = Client(options.scheduler, timeout="10s")
        except OSError as exc:
            raise ConfigError(
                f"cannot reach the Dask scheduler at {options.scheduler}: {exc}",
                hint="check the address (tcp://host:8786) or use --engine local",
            ) from None
        cluster = None
    else:
        if options.workers < 1:
            raise ConfigError(f"--workers must be at least 1, got {options.workers}")
        cluster = LocalCluster(
            n_workers=options.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=40,
        )
        client = Client(cluster)
    try:
        shared = (
            source.recipe
            if isinstance(source, StoredCorpus)
            else client.scatter(source, broadcast=True)
        )
        futures = {
            client.submit(match_partition, list(records), shared, pure=False): index
            for index, records in todo
        }
        for future in as_completed(futures):
            on_done(futures[future], future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run(todo: Todo, source: Source, on_done: OnDone, *, options: BatchOptions) -> None:
    """Run the partitions still to do with the engine the options name."""
    if options.engine == "local":
        run_local(todo, source, on_done)
    elif options.engine == "dask":
        run_dask(todo, source, on_done, options=options)
    else:
        raise ConfigError(f"unknown engine {options.engine!r}", hint="use local or dask")
