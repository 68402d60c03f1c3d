"""Projections: stored events -> the read model (and integration events for other services).

The projector sees each event at least once, in order per account (the stream keeps an
item's changes in order within its shard), but a record can arrive again after a retry,
a bisected batch or a replay. So `project` is idempotent: an event at or below the view's
version changes nothing. If an earlier event never arrived (its record ended in the
on-failure queue), the view is rebuilt from the store instead of skipping it.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from ..shared.events import EventPublisher, IntegrationEvent
from .domain import evolve, evolve_all
from .read_model import AccountView, AccountViews
from .store import EventStore, StoredEvent

INTEGRATION_EVENT_VERSION = 1


def view_of(history: Sequence[StoredEvent]) -> AccountView:
    """The view of an account whose history (oldest first) is `history`."""
    return AccountView(
        account_id=history[0].aggregate_id,
        account=evolve_all(None, [stored.event for stored in history]),
        opened_at=history[0].occurred_at,
        updated_at=history[-1].occurred_at,
    )


def next_view(view: AccountView | None, stored: StoredEvent) -> AccountView:
    """The view after `stored`, the event right after `view`'s version."""
    if view is None:
        return view_of([stored])
    return replace(view, account=evolve(view.account, stored.event), updated_at=stored.occurred_at)


def integration_event(stored: StoredEvent) -> IntegrationEvent:
    """The public fact for a stored event. Its id is the same on every retry, for deduplication."""
    return IntegrationEvent(
        type=stored.type,
        version=INTEGRATION_EVENT_VERSION,
        data={"accountId": stored.aggregate_id, **asdict(stored.event)},
        id=f"{stored.aggregate_id}-{stored.version}",
        occurred_at=stored.occurred_at,
    )


@dataclass(frozen=True, slots=True)
class Projected:
    written: bool  # False: the view already had this event (a replay or a retry)
    caught_up: bool  # True: earlier events were missing and were read from the store


class Projector:
    def __init__(
        self, store: EventStore, views: AccountViews, publisher: EventPublisher | None = None
    ) -> None:
        self._store = store
        self._views = views
        self._publisher = publisher

    def project(self, stored: StoredEvent) -> Projected:
        view = self._views.get(stored.aggregate_id)
        seen = view.version if view else 0
        result = Projected(written=False, caught_up=False)
        if stored.version == seen + 1:
            result = Projected(self._views.save(next_view(view, stored)), caught_up=False)
        elif stored.version > seen:
            history = [
                e for e in self._store.load(stored.aggregate_id) if e.version <= stored.version
            ]
            result = Projected(self._views.save(view_of(history)), caught_up=True)
        # Published on every delivery, replays included: if an earlier attempt wrote the view
        # and then failed to publish, this is the only chance. Consumers deduplicate on the id.
        if self._publisher is not None:
            self._publisher.publish([integration_event(stored)])
        return result


def rebuild(store: EventStore, views: AccountViews) -> int:
    """Write every account's view from its full history; the number of accounts rebuilt.

    Safe while the projector runs: a view is written only over one of the same or an older
    version. Publishes nothing (the event bus's archive replays integration events).
    """
    rebuilt = 0
    for account_id in store.aggregate_ids():
        history = store.load(account_id)
        if history:
            views.save(view_of(history))
            rebuilt += 1
    return rebuilt
