import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../../src/host/admin-api/api-error.js';
import {
  DEFAULT_LIMIT,
  EVENT_FILTER_PARAMS,
  QueryParams,
  refuseQuery,
} from '../../../src/host/admin-api/query-params.js';

const EVENTS = [...EVENT_FILTER_PARAMS, 'limit'];

function refused(
  query: string,
  allowed: readonly string[],
  use: (q: QueryParams) => unknown = (q) => q.eventFilter(),
) {
  assert.throws(
    () => use(new QueryParams(query, allowed)),
    (err) => err instanceof ApiError && err.status === 400,
    query,
  );
}

test('QueryParams maps the filters to an EventFilter, decoding + and percent escapes', () => {
  const query = new QueryParams('service=dns&kind=query&peer=%5B%3A%3A1%5D&q=a+b&since=7', EVENTS);
  assert.deepEqual(query.eventFilter(), {
    service: 'dns',
    kind: 'query',
    peer: '[::1]',
    q: 'a b',
    sinceId: 7,
  });
  assert.equal(query.limit(), DEFAULT_LIMIT);
  assert.equal(new QueryParams('limit=10000', EVENTS).limit(), 10_000);
});

test('QueryParams reads since as an ISO-8601 time when it is not an id', () => {
  const filter = new QueryParams('since=2026-12-06T16:05:00Z', EVENTS).eventFilter();
  assert.deepEqual(filter, { sinceTime: Date.UTC(2026, 11, 6, 16, 5) });
  const day = new QueryParams('since=2026-12-06', EVENTS).eventFilter();
  assert.deepEqual(day, { sinceTime: Date.UTC(2026, 11, 6) });
});

test('QueryParams refuses unknown, repeated, empty and out-of-range values with 400', () => {
  refused('colour=red', EVENTS);
  refused('q=a&q=b', EVENTS);
  refused('service=', EVENTS);
  refused('since=yesterday', EVENTS);
  refused('since=2026-13-45', EVENTS);
  for (const limit of ['0', '10001', '-1', '1.5', 'ten', '']) {
    refused(`limit=${limit}`, EVENTS, (q) => q.limit());
  }
  assert.throws(() => refuseQuery('x=1'), ApiError);
  refuseQuery('');
});
