"""The seed's Locust load test for the Lexikon API ("Tests de charge", SEMAINES-3-4-PRODUCTION.md).

The seed kept this file at tests/load/locustfile.py; our layout puts load tools in load/, so it lives at
load/locustfile.py. `npm run load` installs a pinned Locust, starts a real server and runs it headless;
by hand: `locust -f load/locustfile.py --host http://127.0.0.1:8000 -u 100 -r 10 --run-time 10m --headless`.

The scenario is the seed's: every user signs in as load@test.com / LoadTest123 in `on_start`, sends its
bearer token on every call, creates a term (weight 3) or lists terms (weight 7), and waits 1 to 3 s
between tasks. Where the seed's file is naive, this one says so and does better:

1. Duplicate names. The seed named terms `Term-{randint(1, 100000)}`: 100 users creating ~9,000 terms in
   ten minutes draw the same number hundreds of times (the birthday problem), and our API rightly answers
   409 to a second term with the same name in a domain. Those 409s would be the test's fault, not the
   server's, so names here are unique (a uuid4). Any 409 that still happens is recorded as its own failure
   cause ("409 conflict"), apart from every other failure, so the report shows it separately.

2. The login rate limit. 100 users signing in as one account within ten seconds is exactly what the
   login limits exist to stop (AUTH_LOGIN_LIMIT_PER_ACCOUNT is 10 per 5 minutes, AUTH_LOGIN_LIMIT_PER_IP
   20 per minute, by default). The load environment raises them by configuration (`npm run load` sets
   both); the defaults are not weakened, and backend/test/postgres-only/multi-process.test.ts proves they
   still answer 429 across processes. A 429 here is recorded as its own cause too.

3. Token expiry. Access tokens live JWT_ACCESS_TTL_SECONDS (15 minutes by default); a long run, or a
   server configured with a shorter lifetime, outlives them. Each user refreshes its token a minute before
   it expires (POST /api/auth/refresh, which rotates the refresh token), and on a 401 refreshes once and
   retries; if refreshing fails, it signs in again.

4. Read-back. The id of every term answered 201 is appended to the file named by LOAD_CREATED_IDS (one
   per line), so the runner can check afterwards that every acknowledged write can be read back.

Extra tasks, off by default: `traversal` (relate two of the user's terms, then GET /api/terms/{id}/related
at depth 3) and `search` (full-text GET /api/terms?q=...). Enable them with Locust's tags, naming the seed's
tasks too: `--tags seed traversal search` (`--tags traversal` alone runs traversal only).
"""

import os
import random
import threading
import time
import uuid

from locust import HttpUser, between, events, tag, task
from locust.user.task import filter_tasks_by_tags

EMAIL = os.environ.get("LOAD_EMAIL", "load@test.com")
PASSWORD = os.environ.get("LOAD_PASSWORD", "LoadTest123")
CREATED_IDS_FILE = os.environ.get("LOAD_CREATED_IDS")
EXTRA_TAGS = {"traversal", "search"}
# Refresh this long before the access token expires, so no request is sent with a stale one.
REFRESH_MARGIN_SECONDS = 60
SEARCH_WORDS = ["load", "test", "definition", "term"]

_ids_lock = threading.Lock()
_ids_file = open(CREATED_IDS_FILE, "a", buffering=1, encoding="utf-8") if CREATED_IDS_FILE else None


def record_created(term_id: str) -> None:
    if _ids_file is None:
        return
    with _ids_lock:
        _ids_file.write(term_id + "\n")


@events.init.add_listener
def extras_off_by_default(environment, **_kwargs):
    """Without --tags or --exclude-tags, run the seed's scenario only: Locust would run every task."""
    options = environment.parsed_options
    if options is not None and not options.tags and not options.exclude_tags:
        for user_class in environment.user_classes:
            filter_tasks_by_tags(user_class, None, EXTRA_TAGS)


def failure_cause(status: int) -> str:
    """One failure message per cause, so Locust's failure table (and our report) groups them that way."""
    if status == 409:
        return "409 conflict (duplicate term)"
    if status == 429:
        return "429 rate limited"
    if status == 401:
        return "401 unauthenticated"
    if status == 0:
        return "no response (connection error or timeout)"
    if status >= 500:
        return f"{status} server error"
    return f"{status} unexpected status"


class LexikonUser(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.token = None
        self.refresh_token = None
        self.expires_at = 0.0
        self.created: list[str] = []
        self.related: set[tuple[str, str]] = set()
        self.sign_in()

    # ---- session ------------------------------------------------------------------------------------

    def sign_in(self) -> bool:
        with self.client.post(
            "/api/auth/login",
            json={"email": EMAIL, "password": PASSWORD},
            name="/api/auth/login",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(failure_cause(response.status_code))
                self.token = None
                return False
            self.keep(response.json())
            return True

    def refresh(self) -> bool:
        if self.refresh_token is None:
            return self.sign_in()
        with self.client.post(
            "/api/auth/refresh",
            json={"refresh_token": self.refresh_token},
            name="/api/auth/refresh",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(failure_cause(response.status_code))
                return self.sign_in()
            self.keep(response.json())
            return True

    def keep(self, pair: dict) -> None:
        self.token = pair["access_token"]
        self.refresh_token = pair["refresh_token"]
        self.expires_at = time.monotonic() + float(pair["expires_in"])

    def ensure_token(self) -> bool:
        if self.token is None:
            return self.sign_in()
        if time.monotonic() > self.expires_at - REFRESH_MARGIN_SECONDS:
            return self.refresh()
        return True

    def call(self, method: str, path: str, name: str, expected: int, **kwargs):
        """One authenticated request; on 401 refresh once and retry. Returns the parsed body or None."""
        if not self.ensure_token():
            return None
        for attempt in (1, 2):
            with self.client.request(
                method,
                path,
                name=name,
                headers={"Authorization": f"Bearer {self.token}"},
                catch_response=True,
                **kwargs,
            ) as response:
                status = response.status_code
                if status == expected:
                    response.success()
                    return response.json() if response.content else {}
                if status == 401 and attempt == 1:
                    # Expired or revoked token: not a server failure; the retry is what counts.
                    response.success()
                    if not self.refresh():
                        return None
                    continue
                response.failure(failure_cause(status))
                return None
        return None

    # ---- the seed's scenario ------------------------------------------------------------------------

    @tag("seed")
    @task(3)
    def create_term(self):
        body = self.call(
            "POST",
            "/api/terms",
            name="/api/terms [POST]",
            expected=201,
            json={
                "term": f"Term-{uuid.uuid4()}",
                "definition": "Load test definition",
                "domain": "Testing",
                "level": "beginner",
            },
        )
        if body and "id" in body:
            self.created.append(body["id"])
            record_created(body["id"])

    @tag("seed")
    @task(7)
    def get_terms(self):
        self.call("GET", "/api/terms", name="/api/terms [GET]", expected=200)

    # ---- extras (off by default) --------------------------------------------------------------------

    @tag("traversal")
    @task(2)
    def traverse(self):
        if len(self.created) >= 2:
            source = self.created[-1]
            target = random.choice(self.created[:-1])
            if (source, target) not in self.related:
                self.related.add((source, target))
                self.call(
                    "POST",
                    f"/api/terms/{source}/relations",
                    name="/api/terms/[id]/relations [POST]",
                    expected=201,
                    json={"target_id": target, "type": "related_to"},
                )
        if self.created:
            start = random.choice(self.created)
            self.call(
                "GET",
                f"/api/terms/{start}/related?depth=3&direction=both",
                name="/api/terms/[id]/related",
                expected=200,
            )

    @tag("search")
    @task(2)
    def search(self):
        word = random.choice(SEARCH_WORDS)
        self.call("GET", f"/api/terms?q={word}", name="/api/terms?q=[word]", expected=200)
