"""Russian people and organisations for demo data, with contacts that can never reach anyone."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Reserved for documentation (RFC 2606): demo mail must never reach a real mailbox.
EMAIL_DOMAINS = ("mail.example", "inbox.example", "example.com", "example.org", "example.net")
ORGANISATION_FORMS = ("ООО", "ООО", "ООО", "АО")
# Invented rather than Faker's company(), which mixes in real companies.
# fmt: off
ORGANISATION_NAMES = (
    "Ромашка", "Вектор", "Меридиан", "Альянс", "Фаворит", "Гранит", "Сфера", "Прогресс", "Восход",
    "Магистраль", "Радуга", "Орион", "Ресурс", "Престиж", "Континент", "Северное сияние",
    "Технострой", "Пекарня у дома", "Автомойка Блеск", "Цветочная лавка",
)
MANAGEMENT_COMPANY_NAMES = (
    "Жилсервис", "Уютный дом", "Жилкомфорт", "Наш дом", "Домострой", "Содружество", "Управдом",
    "Комфорт-Сервис", "Жилфонд", "Домовой",
)
DIRECTOR_POSITIONS = ("Генеральный директор", "Директор")

_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
})
# fmt: on


def transliterate(text: str) -> str:
    """Lower-case ASCII for logins and e-mail local parts: `Кузьмин` → `kuzmin`."""
    return re.sub(r"[^a-z0-9]", "", text.lower().translate(_TRANSLIT))


@dataclass(frozen=True)
class Person:
    surname: str
    first_name: str
    patronymic: str

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.first_name} {self.patronymic}"


class People:
    """Draws people, organisations and contacts; the same seed always draws the same ones."""

    def __init__(self, seed: str):
        # Imported here: Faker takes a fifth of a second to load its locales, and every `flask`
        # command registers the demo commands.
        from faker import Faker

        self._faker = Faker("ru_RU")
        self.reseed(seed)

    def reseed(self, seed: str) -> None:
        """Start drawing again from `seed`."""
        self._faker.seed_instance(seed)
        self._random = self._faker.random

    def person(self) -> Person:
        """A man or a woman whose surname, first name and patronymic agree in gender."""
        faker = self._faker
        if self._random.random() < 0.5:
            return Person(
                faker.last_name_female(), faker.first_name_female(), faker.middle_name_female()
            )
        return Person(faker.last_name_male(), faker.first_name_male(), faker.middle_name_male())

    def email(self, person: Person) -> str:
        """An address like `a.kuzmina84@mail.example`."""
        local = f"{transliterate(person.first_name)[:1]}.{transliterate(person.surname)}"
        if self._random.random() < 0.6:
            local += str(self._random.randint(1, 99))
        return f"{local}@{self._random.choice(EMAIL_DOMAINS)}"

    def phone(self) -> str:
        """A Russian mobile number in E.164, `+79XXXXXXXXX`."""
        return "+79" + "".join(str(self._random.randint(0, 9)) for _ in range(9))

    def organisation(self) -> str:
        """A company name such as `ООО «Ромашка»`."""
        return (
            f"{self._random.choice(ORGANISATION_FORMS)} «{self._random.choice(ORGANISATION_NAMES)}»"
        )

    def management_company(self) -> str:
        """A management company (управляющая компания) such as `ООО «УК Жилсервис»`."""
        return f"ООО «УК {self._random.choice(MANAGEMENT_COMPANY_NAMES)}»"

    def position(self) -> str:
        """The job title of an organisation's head."""
        return self._random.choice(DIRECTOR_POSITIONS)

    def inn(self) -> str:
        """A ten-digit INN of an organisation with a valid check digit."""
        return self._faker.businesses_inn()
