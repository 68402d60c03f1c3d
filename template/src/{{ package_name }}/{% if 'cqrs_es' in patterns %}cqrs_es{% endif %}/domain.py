"""The account aggregate, pure: commands are decided into events, events evolve the state.

Nothing here touches AWS or a clock. `decide(command, state)` applies every rule and
returns the events that record the decision; `evolve(state, event)` applies one event;
`fold(events)` replays a history and `evolve_all` applies a decision. The same `evolve` runs on the command side (to know the
current state) and in the projector (to build the read model), so they cannot disagree.
Amounts are whole cents, so no rounding ever happens.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..shared.errors import ConflictError, NotFoundError, ValidationError

OWNER_MAX_LENGTH = 100
MAX_AMOUNT_CENTS = 100_000_000  # one million per deposit or withdrawal


# --- Commands: what a caller asks for -------------------------------------------------
@dataclass(frozen=True, slots=True)
class OpenAccount:
    owner: str


@dataclass(frozen=True, slots=True)
class Deposit:
    amount: int


@dataclass(frozen=True, slots=True)
class Withdraw:
    amount: int


@dataclass(frozen=True, slots=True)
class CloseAccount:
    pass


Command = OpenAccount | Deposit | Withdraw | CloseAccount


# --- Events: what happened, in the past tense; stored forever, never changed -----------
@dataclass(frozen=True, slots=True)
class AccountOpened:
    owner: str


@dataclass(frozen=True, slots=True)
class MoneyDeposited:
    amount: int


@dataclass(frozen=True, slots=True)
class MoneyWithdrawn:
    amount: int


@dataclass(frozen=True, slots=True)
class AccountClosed:
    pass


Event = AccountOpened | MoneyDeposited | MoneyWithdrawn | AccountClosed


# --- State: what the decisions need, rebuilt from the events ---------------------------
@dataclass(frozen=True, slots=True)
class Account:
    owner: str
    balance: int
    is_open: bool
    version: int  # the number of events applied; the store's optimistic-concurrency token


def _valid_amount(amount: int) -> int:
    if type(amount) is not int or not 0 < amount <= MAX_AMOUNT_CENTS:
        raise ValidationError(
            f"'amount' must be a whole number of cents from 1 to {MAX_AMOUNT_CENTS}"
        )
    return amount


def _valid_owner(owner: str) -> str:
    if not isinstance(owner, str) or not owner.strip():
        raise ValidationError("'owner' must be a non-empty string")
    if len(owner.strip()) > OWNER_MAX_LENGTH:
        raise ValidationError(f"'owner' must be at most {OWNER_MAX_LENGTH} characters")
    return owner.strip()


def _open(state: Account | None) -> Account:
    if state is None:
        raise NotFoundError("Account not found")
    if not state.is_open:
        raise ConflictError("Account is closed")
    return state


def decide(command: Command, state: Account | None) -> list[Event]:
    """The events that carry out `command` on an account in `state` (None: never opened)."""
    match command:
        case OpenAccount(owner):
            if state is not None:
                raise ConflictError("Account already exists")
            return [AccountOpened(_valid_owner(owner))]
        case Deposit(amount):
            _open(state)
            return [MoneyDeposited(_valid_amount(amount))]
        case Withdraw(amount):
            account = _open(state)
            if _valid_amount(amount) > account.balance:
                raise ValidationError(
                    f"Insufficient funds: the balance is {account.balance} cents, "
                    f"{amount} were asked for"
                )
            return [MoneyWithdrawn(amount)]
        case CloseAccount():
            account = _open(state)
            if account.balance:
                raise ValidationError(
                    f"Withdraw the balance of {account.balance} cents before closing the account"
                )
            return [AccountClosed()]


def evolve(state: Account | None, event: Event) -> Account:
    """The state after `event`. Events are facts: no rule is checked here, only applied."""
    if state is None:
        if not isinstance(event, AccountOpened):
            raise ValueError(f"An account's history must start with AccountOpened, not {event}")
        return Account(owner=event.owner, balance=0, is_open=True, version=1)
    match event:
        case AccountOpened():
            raise ValueError("AccountOpened can only start an account's history")
        case MoneyDeposited(amount):
            return replace(state, balance=state.balance + amount, version=state.version + 1)
        case MoneyWithdrawn(amount):
            return replace(state, balance=state.balance - amount, version=state.version + 1)
        case AccountClosed():
            return replace(state, is_open=False, version=state.version + 1)


def fold(events: Iterable[Event], state: Account | None = None) -> Account | None:
    """Replay `events` on `state`: the current state of an account is the fold of its history."""
    for event in events:
        state = evolve(state, event)
    return state


def evolve_all(state: Account | None, events: Sequence[Event]) -> Account:
    """The state after a decision's events; `decide` never returns an empty list."""
    if not events:
        raise ValueError("A decision records at least one event")
    account = evolve(state, events[0])
    for event in events[1:]:
        account = evolve(account, event)
    return account
