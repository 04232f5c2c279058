"""Demo accounts with meters for one tenant, shaped by its configuration; same slug, same data."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from app.accounts.models import METER_SERVICES, Account, Meter
from app.demo.people import People
from app.demo.places import format_address, streets_for
from app.tenancy.snapshot import TenantSnapshot

T = TypeVar("T", bound=Hashable)

# Shares are decks of cards rather than coin flips, so even 40 accounts get every kind of case.
ACCOUNT_TYPES = {"apartment": 14, "private_house": 3, "legal": 2, "management_company": 1}
WITHOUT_METER = {True: 2, False: 23}  # 8 %: billed by the norm, no meter
COMMON_HOUSE_METER = {True: 1, False: 4}  # 20 % of apartment buildings
EXPIRED_METER = {True: 1, False: 32}  # 3 % of meters are past their verification date
TWO_ZONE_SHARE = 0.05
SECOND_RISER_SHARE = 0.15  # two risers: a pair of meters per service
DIGITS_WEIGHTS = {5: 80, 6: 12, 8: 8}
EMAIL_SHARE = 0.7
PHONE_SHARE = 0.75
ACCOUNTS_PER_BUILDING = (1, 8)
# The settlement listed first is the utility's home city and has most of its accounts.
HOME_SETTLEMENT_WEIGHT = 3
# Typical verification intervals (межповерочный интервал): cold water 6 years, hot water 4.
VERIFICATION_YEARS = {"cold_water": 6, "hot_water": 4}
# District prefixes for formats with one, as in SPEC §2's `01-1234567`.
APARTMENT_PREFIXES = (1, 2, 3, 5)
ORGANISATION_KINDS = ("legal", "management_company")


@dataclass(frozen=True)
class DemoSettlement:
    id: uuid.UUID
    code: str
    name: str


class Deck:
    """Shuffled cards drawn one by one and reshuffled when used up."""

    def __init__(self, rng: random.Random, cards: dict):
        self._rng = rng
        self._cards = [card for card, copies in cards.items() for _ in range(copies)]
        self._pile: list = []

    def draw(self):
        if not self._pile:
            self._pile = self._cards.copy()
            self._rng.shuffle(self._pile)
        return self._pile.pop()


@dataclass
class _Building:
    street: str
    house: str
    common_house_meter: bool
    places_left: int
    premises: set[str] = field(default_factory=set)


class AccountGenerator:
    """Makes one tenant's demo accounts and meters; the same slug always yields the same ones."""

    def __init__(self, tenant: TenantSnapshot, settlements: Sequence[DemoSettlement], today: date):
        self._seed = f"vodokabinet-demo:{tenant.slug}"
        self._rng = random.Random(self._seed)
        self.people = People(self._seed)
        self._format = tenant.account_numbers
        self._settlements = list(settlements)
        self._weights = [HOME_SETTLEMENT_WEIGHT] + [1] * (len(settlements) - 1)
        self._streets = {
            settlement.code: streets_for(settlement.code) for settlement in settlements
        }
        self._services = [
            service.code for service in tenant.config.services if service.code in METER_SERVICES
        ]
        self._today = today
        self._types = Deck(self._rng, ACCOUNT_TYPES)
        self._without_meter = Deck(self._rng, WITHOUT_METER)
        self._common_house_meter = Deck(self._rng, COMMON_HOUSE_METER)
        self._expired = Deck(self._rng, EXPIRED_METER)
        self._numbers: dict[str, set[str]] = {settlement.code: set() for settlement in settlements}
        self._serials: set[str] = set()
        self._houses: set[tuple[str, str, str]] = set()
        self._current: dict[str, _Building] = {}

    def reseed(self, key: str) -> None:
        """Continue from a stream of its own, so what follows does not depend on what came before."""
        self._rng.seed(f"{self._seed}:{key}")
        self.people.reseed(f"{self._seed}:{key}")

    def login_account(self, kind: str) -> Account:
        """An account for a demo sign-in: in an apartment building, with valid meters and contacts."""
        settlement = self._settlements[0]
        building = self._new_building(settlement, common_house_meter=False)
        return self._account(settlement, kind, building, with_meters=True, for_login=True)

    def random_accounts(self, count: int) -> list[Account]:
        """`count` accounts drawn from the demo mix of kinds, houses and meters."""
        return [self._random_account() for _ in range(count)]

    def _random_account(self) -> Account:
        account_type = self._types.draw()
        settlement = self._rng.choices(self._settlements, self._weights)[0]
        kind = account_type if account_type in ORGANISATION_KINDS else "individual"
        building = None if account_type == "private_house" else self._building_in(settlement)
        return self._account(
            settlement, kind, building, with_meters=not self._without_meter.draw(), for_login=False
        )

    def _account(
        self,
        settlement: DemoSettlement,
        kind: str,
        building: _Building | None,
        *,
        with_meters: bool,
        for_login: bool,
    ) -> Account:
        owner = self.people.person()
        private_house = building is None
        if private_house:
            street, house = self._new_house(settlement, private_house=True)
            premises = None
        else:
            street, house = building.street, building.house
            premises = self._premises(building, kind)
        account = Account(
            settlement_id=settlement.id,
            number=self._unique(
                lambda _: self._draw_number(private_house), self._numbers[settlement.code]
            ),
            kind=kind,
            owner_surname=owner.surname,
            owner_full_name=owner.full_name,
            organisation_name=self._organisation_name(kind),
            address=format_address(settlement.name, street, house, premises),
            private_house=private_house,
            common_house_meter=building is not None and building.common_house_meter,
            email=self.people.email(owner) if for_login or self._chance(EMAIL_SHARE) else None,
            phone=self.people.phone() if for_login or self._chance(PHONE_SHARE) else None,
        )
        if with_meters:
            account.meters.extend(self._meters(private_house, for_login=for_login))
        return account

    def _organisation_name(self, kind: str) -> str | None:
        if kind == "legal":
            return self.people.organisation()
        if kind == "management_company":
            return self.people.management_company()
        return None

    def _building_in(self, settlement: DemoSettlement) -> _Building:
        building = self._current.get(settlement.code)
        if building is None or building.places_left == 0:
            building = self._new_building(settlement, self._common_house_meter.draw())
        return building

    def _new_building(self, settlement: DemoSettlement, common_house_meter: bool) -> _Building:
        street, house = self._new_house(settlement, private_house=False)
        building = _Building(
            street, house, common_house_meter, places_left=self._rng.randint(*ACCOUNTS_PER_BUILDING)
        )
        self._current[settlement.code] = building
        return building

    def _new_house(self, settlement: DemoSettlement, *, private_house: bool) -> tuple[str, str]:
        streets = self._streets[settlement.code]
        choices = streets.private_house if private_house else streets.apartment
        _, street, house = self._unique(
            lambda attempt: (
                settlement.code,
                self._rng.choice(choices),
                str(self._rng.randint(1, 120 + attempt)),
            ),
            self._houses,
        )
        return street, house

    def _premises(self, building: _Building, kind: str) -> str:
        # Organisations rent non-residential premises (помещения) on the ground floor.
        label, last = ("кв.", 180) if kind == "individual" else ("пом.", 12)
        building.places_left = max(building.places_left - 1, 0)
        return self._unique(
            lambda attempt: f"{label} {self._rng.randint(1, last + attempt)}", building.premises
        )

    def _draw_number(self, private_house: bool) -> str:
        fmt, rng = self._format, self._rng
        private_prefix = fmt.private_house_prefix if private_house else None
        if fmt.prefix_length and private_prefix and fmt.pad:
            # SPEC §2: private-sector numbers are often short and zero-padded, 7785 → 11-0007785.
            short = rng.randint(1, 10 ** max(fmt.length - 2, 1) - 1)
            return fmt.normalise(str(short), private_house=True)
        body = str(rng.randint(10 ** (fmt.length - 1), 10**fmt.length - 1))
        if not fmt.prefix_length:
            return body
        prefix = private_prefix or rng.choice(
            [
                code
                for code in (str(n).zfill(fmt.prefix_length) for n in APARTMENT_PREFIXES)
                if code != fmt.private_house_prefix
            ]
        )
        return fmt.normalise(f"{prefix}{fmt.separator}{body}")

    def _meters(self, private_house: bool, *, for_login: bool) -> list[Meter]:
        services = self._services
        if private_house:
            # A private house is rarely on a hot-water network: one cold-water meter.
            services = [code for code in services if code == "cold_water"] or services[:1]
        pairs = 2 if not private_house and self._chance(SECOND_RISER_SHARE) else 1
        return [self._meter(code, for_login=for_login) for code in services for _ in range(pairs)]

    def _meter(self, service: str, *, for_login: bool) -> Meter:
        rng = self._rng
        interval = timedelta(days=365 * VERIFICATION_YEARS[service])
        if not for_login and self._expired.draw():
            verified_until = self._today - timedelta(days=rng.randint(1, 300))
        else:
            # A demo sign-in's meters have been in place a year or more, so their history is full.
            latest = interval.days - (365 if for_login else 0)
            verified_until = self._today + timedelta(days=rng.randint(30, latest))
        return Meter(
            serial=self._unique(lambda _: str(rng.randint(10_000_000, 99_999_999)), self._serials),
            service=service,
            zones=2 if self._chance(TWO_ZONE_SHARE) else 1,
            digits=rng.choices(list(DIGITS_WEIGHTS), list(DIGITS_WEIGHTS.values()))[0],
            installed_on=verified_until - interval,
            verified_until=verified_until,
        )

    def _chance(self, share: float) -> bool:
        return self._rng.random() < share

    @staticmethod
    def _unique(draw: Callable[[int], T], taken: set[T]) -> T:
        # Each retry may widen the range, so a crowded settlement never loops forever.
        attempt = 0
        while (value := draw(attempt)) in taken:
            attempt += 1
        taken.add(value)
        return value
