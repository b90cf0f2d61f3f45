"""The traces each tenant's exports have shown, so that a trace's shallow ``trace-create``
is made once, as Langfuse's processor makes it once (it remembers a trace for ten minutes in
Redis). mockfuse remembers the newest ``IDS`` traces of the newest ``TENANTS`` tenants, so a
long load test or a long pytest session (a tenant per test) stays bounded; a test's tenant
starts with none, as a fresh project would."""

from __future__ import annotations

IDS = 100_000
TENANTS = 10_000


class BoundedIds(set[str]):
    """A set that forgets its oldest ids past ``limit`` (dict order is insertion order)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self._limit = limit
        self._order: dict[str, None] = {}

    def add(self, trace_id: str) -> None:
        if trace_id in self:
            return
        super().add(trace_id)
        self._order[trace_id] = None
        if len(self._order) > self._limit:
            oldest = next(iter(self._order))
            del self._order[oldest]
            self.discard(oldest)


class SeenTraces:
    """Trace ids per tenant."""

    def __init__(self, ids: int = IDS, tenants: int = TENANTS) -> None:
        self._ids = ids
        self._tenants = tenants
        self._by_tenant: dict[str | None, BoundedIds] = {}

    def of(self, tenant: str | None) -> BoundedIds:
        found = self._by_tenant.get(tenant)
        if found is None:
            found = self._by_tenant[tenant] = BoundedIds(self._ids)
            if len(self._by_tenant) > self._tenants:
                del self._by_tenant[next(iter(self._by_tenant))]
        return found
