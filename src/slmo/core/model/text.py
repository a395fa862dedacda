"""Text that users read in more than one language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class LocalizedText:
    """A short text in English and, optionally, Arabic. English is the fallback."""

    en: str
    ar: str | None = None

    def get(self, lang: str) -> str:
        if lang == "ar" and self.ar:
            return self.ar
        return self.en

    @classmethod
    def plain(cls, text: str) -> LocalizedText:
        return cls(en=text)
