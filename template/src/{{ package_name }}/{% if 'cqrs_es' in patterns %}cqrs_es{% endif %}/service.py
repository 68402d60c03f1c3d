"""The command side (decide and append) and the query side (read), independent of HTTP and AWS."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..shared import stamps
from ..shared.errors import ConflictError, NotFoundError
from .domain import Account, OpenAccount, decide, evolve_all, fold
from .models import Request, valid_account_id
from .read_model import AccountView, AccountViews
from .store import EventStore, StoredEvent


@dataclass(frozen=True, slots=True)
class Outcome:
    """The command side's answer: the account as the write model sees it right after the command."""

    account_id: str
    account: Account

    def to_dict(self) -> dict[str, Any]:
        return {
            "accountId": self.account_id,
            "version": self.account.version,
            "balance": self.account.balance,
            "status": "open" if self.account.is_open else "closed",
        }


class AccountCommands:
    def __init__(
        self,
        store: EventStore,
        clock: Callable[[], str] = stamps.now,
        new_id: Callable[[], str] = stamps.new_id,
    ) -> None:
        self._store = store
        self._clock = clock
        self._new_id = new_id

    def open(self, command: OpenAccount) -> Outcome:
        return self._execute(self._new_id(), Request(command, expected_version=None))

    def handle(self, account_id: str, request: Request) -> Outcome:
        return self._execute(valid_account_id(account_id), request)

    def _execute(self, account_id: str, request: Request) -> Outcome:
        history = self._store.load(account_id)
        state = fold(stored.event for stored in history)
        current = state.version if state else 0
        # An unknown account is reported as such by `decide`, whatever version was expected.
        if state is not None and request.expected_version not in (None, current):
            raise ConflictError(
                f"Account {account_id} is at version {current}, not {request.expected_version}; "
                "read it again and retry"
            )
        events = decide(request.command, state)
        self._store.append(account_id, current, events, self._clock())
        return Outcome(account_id, evolve_all(state, events))


class AccountQueries:
    def __init__(self, views: AccountViews, store: EventStore) -> None:
        self._views = views
        self._store = store

    def get(self, account_id: str) -> AccountView:
        """The projected account; it may lag the last command by the projector's delay."""
        view = self._views.get(valid_account_id(account_id))
        if view is None:
            raise NotFoundError(f"Account {account_id} not found")
        return view

    def history(self, account_id: str) -> list[StoredEvent]:
        """Every event of the account, from the store itself: always current."""
        events = self._store.load(valid_account_id(account_id))
        if not events:
            raise NotFoundError(f"Account {account_id} not found")
        return events
