"""A paginator for lists that grow with the area: a province's 600,000 employees.

Counting every row for "page 1 of 11,843" costs more than the page itself at that size
(170 ms for the employees of a province, 200 ms for its year of inspections). Below
``LARGE`` rows the count is exact on every request. From ``LARGE`` on it is kept in the
shared cache for ``SECONDS``, keyed by the list's own SQL and parameters (so by the
reader's scope and filters: nobody is given another scope's count); the rows of the page
are always read live, the last page too (it is not cut at the kept count). A count of
hundreds of thousands that lags a new row by a minute or two changes nothing anyone reads
off it.
"""

import hashlib
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator

LARGE = 20_000
SECONDS = 120


class LargeCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is None:
            return super().count
        sql, params = query.sql_with_params()
        source = f"{getattr(self.object_list, 'db', '')}|{sql}|{params!r}"
        key = "paginator:count:" + hashlib.sha256(source.encode()).hexdigest()
        cached: Any = cache.get(key)
        if isinstance(cached, int):
            return cached
        n = super().count
        if n >= LARGE:
            cache.set(key, n, SECONDS)
        return n

    def page(self, number: Any) -> Any:
        """The page's rows, read live: the last page takes what is there, not what the
        (possibly kept) count says is there."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page + (self.orphans if number == self.num_pages else 0)
        return Page(self.object_list[bottom:top], number, self)
