// Package api serves the relationship graph over HTTP as JSON: accounts with
// their trust scores and warnings, open commitments, unresolved objections,
// contact coverage, timelines and departures, to the people who sell and
// deliver, each seeing what their role allows.
//
// # Authentication
//
// Every /v1 request carries "Authorization: Bearer TOKEN". Users come from a
// JSON file (see ReadUsers) that holds the SHA-256 of each token, never the
// token; tokens are compared by hash in constant time. /healthz and /metrics
// need no token.
//
// # Roles
//
//	rep       the accounts where their rep_id took part in an interaction
//	manager   the accounts of their team: the union over the team's rep ids
//	delivery  every account, delivery facts only (see below)
//	ops       every account, read-only
//	admin     every account, and may set item statuses
//
// Delivery (交付/实施) sees commitments, technical objections, pain points,
// technical and emotional trust, and the warnings about them. It does not
// see the commercial score (the account's, its trend's or a contact's),
// commercial evidence, price / terms / payment /
// cost / competitor objections, promises to pay, or the
// commercial_sensitivity and competitor_threat warnings; quotes of such
// objections are cut out of the other warnings' messages, and its at_risk
// flag is worked out from what it may see. All of this is done by one
// function, redact, that every endpoint's answer passes through.
//
// An account a user may not see answers 404, exactly as an unknown account
// does, rather than 403: a 403 would confirm that the vendor has such a
// customer. 403 is kept for what a role may never do, whatever the account
// (PUT by anyone but admin, commercial warning kinds asked for by delivery).
//
// # Endpoints
//
//	GET /v1/accounts                        visible accounts with score, at_risk and warning count
//	GET /v1/accounts/{id}                   score with evidence and 30-day trend, active warnings
//	GET /v1/accounts/{id}/commitments       open commitments, ?party=vendor|customer
//	GET /v1/accounts/{id}/objections        unresolved objections
//	GET /v1/accounts/{id}/contacts          contact coverage (multi-threading) and each contact's trust
//	GET /v1/accounts/{id}/timeline          interactions, items and activities in time order
//	GET /v1/warnings                        active warnings of visible accounts, ?kind=&severity=
//	GET /v1/contacts/left                   contacts who left, and whether they were key
//	PUT /v1/items/{id}/status               {"status": "kept"}; admin only
//	GET /healthz                            liveness
//	GET /metrics                            Prometheus metrics
//
// Every GET under /v1 takes ?as_of=, RFC 3339 or YYYY-MM-DD (the end of that
// day in China); scores, warnings and overdue flags are then those of that
// time. Without it the server's as-of time counts (Config.AsOf).
//
// Statuses an item may be set to depend on its type (graph.Statuses):
// commitments open, kept, broken, withdrawn; objections open, answered,
// resolved; pain points open, resolved.
//
// Scores and warnings are computed from the graph on each request with
// scoring.Evaluate, so they are always current; list endpoints read every
// account, which suits the hundreds of accounts of a sales team.
//
// # Errors
//
// Errors answer {"error": {"code": "…", "message": "…"}} with status 400
// (bad_request: a bad parameter or body), 401 (unauthorized: no or an
// unknown token), 403 (forbidden), 404 (not_found), 405
// (method_not_allowed, with an Allow header) or 500 (internal).
//
// # Metrics
//
// guanxi_http_requests_total{route,method,code} and
// guanxi_http_request_duration_seconds{route,method} count and time
// requests by route pattern; guanxi_accounts, guanxi_accounts_at_risk and
// guanxi_warnings_active{kind,severity} are evaluated at scrape time.
package api
