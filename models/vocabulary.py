"""Reference data: languages, interests, goals, municipalities and places."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Float, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base

if TYPE_CHECKING:
    from .organisation import Organisation


class Language(Base):
    """A language people can speak, by its Babel locale key (`ar`, `fa_AF`, `ti`)."""

    __tablename__ = "languages"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    common_newcomer: Mapped[bool] = mapped_column(Boolean, default=False)
    common_volunteer: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"Language(code={self.code!r})"


class Interest(Base):
    """An everyday interest; `label` is the English text that catalogs translate."""

    __tablename__ = "interests"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))

    def __repr__(self) -> str:
        return f"Interest(code={self.code!r})"


class InterestTranslation(Base):
    """An admin's word for an interest in one language, in place of the catalog's (or for a new interest)."""

    __tablename__ = "interest_translations"

    interest_code: Mapped[str] = mapped_column(ForeignKey("interests.code", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(12), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))


class Goal(Base):
    """What a newcomer wants from a kompis, and equally what a volunteer offers."""

    __tablename__ = "goals"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(SmallInteger, default=0)

    def __repr__(self) -> str:
        return f"Goal(code={self.code!r})"


class Municipality(Base):
    """One of Sweden's 290 municipalities, served by at most one organisation."""

    __tablename__ = "municipalities"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    county: Mapped[str] = mapped_column(String(80))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )

    organisation: Mapped[Organisation | None] = relationship(back_populates="municipalities")
    places: Mapped[list[Place]] = relationship(
        back_populates="municipality", order_by="Place.name"
    )

    def __repr__(self) -> str:
        return f"Municipality(code={self.code!r})"


class Place(Base):
    """A locality with coordinates; its id is the GeoNames id."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(120))
    municipality_code: Mapped[str] = mapped_column(
        ForeignKey("municipalities.code"), index=True
    )
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer, default=0)
    is_seat: Mapped[bool] = mapped_column(Boolean, default=False)

    municipality: Mapped[Municipality] = relationship(back_populates="places")
