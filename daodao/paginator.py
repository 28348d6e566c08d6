"""A paginator for lists that grow with the area: a province's 600,000 employees.

Counting every row for "page 1 of 11,843" costs more than the page itself at that size
(170 ms for the employees of a province, 200 ms for its year of inspections). Below
``LARGE`` rows, and when counting took less than ``SLOW_MS`` (a district's employees
without a valid pledge are a few thousand, but finding them reads every pledge), the count
is exact on every request. Otherwise it is kept in the shared cache for ``SECONDS``, keyed
by the list's own SQL and parameters (so by the
reader's scope and filters: nobody is given another scope's count); the rows of the page
are always read live, the last page too (it is not cut at the kept count). A count of
hundreds of thousands that lags a new row by a minute or two changes nothing anyone reads
off it.
"""

import hashlib
import time
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator

LARGE = 20_000
SLOW_MS = 50  # settings.DAODAO_SLOW_COUNT_MS (the tests set it out of reach: their counts must stay exact)
SECONDS = 120


class LargeCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is None:
            return super().count
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:  # a queryset that is .none() for this reader: nothing to count
            return super().count
        source = f"{getattr(self.object_list, 'db', '')}|{sql}|{params!r}"
        key = "paginator:count:" + hashlib.sha256(source.encode()).hexdigest()
        cached: Any = cache.get(key)
        if isinstance(cached, int):
            return cached
        started = time.perf_counter()
        n = super().count
        slow_ms = getattr(settings, "DAODAO_SLOW_COUNT_MS", SLOW_MS)
        if n >= LARGE or 1000 * (time.perf_counter() - started) >= slow_ms:
            cache.set(key, n, SECONDS)
        return n

    def page(self, number: Any) -> Any:
        """The page's rows, read live: the last page takes what is there, not what the
        (possibly kept) count says is there."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page + (self.orphans if number == self.num_pages else 0)
        return Page(self.object_list[bottom:top], number, self)
