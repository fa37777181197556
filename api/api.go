package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/scoring"
)

// Store is the part of the relationship graph the API reads and writes.
// *graph.Store satisfies it.
type Store interface {
	Accounts(ctx context.Context) ([]graph.Account, error)
	AccountFacts(ctx context.Context, accountID string) (graph.AccountFacts, error)
	SetItemStatus(ctx context.Context, itemID, status string) error
}

// Config configures the API handler.
type Config struct {
	// Store is the graph the API serves. Required.
	Store Store
	// Users are the people who may call the API, usually from ReadUsers.
	// An entry whose token_sha256 is not 64 hex digits is logged and
	// ignored.
	Users []User
	// AsOf is the time scores and warnings are evaluated at when a request
	// gives no ?as_of=; nil means time.Now.
	AsOf func() time.Time
	// Logger receives a line per request; nil means slog.Default().
	Logger *slog.Logger
	// Registry receives the API's metrics and is what /metrics serves;
	// nil means a new registry with the Go and process collectors.
	Registry *prometheus.Registry
	// Scoring configures scoring.Evaluate; nil means its defaults, as the
	// pipeline uses them.
	Scoring []scoring.Option
}

// maxBody bounds the request bodies the API reads.
const maxBody = 1 << 20

type server struct {
	store   Store
	users   []User
	asOf    func() time.Time
	log     *slog.Logger
	scoring []scoring.Option
	risk    float64
	// baseline is the neutral score, shown for a contact without signals.
	baseline float64
	metrics  *metrics
}

// New returns the HTTP handler of the guanxi API. The endpoints, the roles
// and the error format are described in the package documentation.
func New(cfg Config) http.Handler {
	s := &server{
		store:   cfg.Store,
		asOf:    cfg.AsOf,
		log:     cfg.Logger,
		scoring: cfg.Scoring,
	}
	if s.asOf == nil {
		s.asOf = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	sc := scoring.DefaultConfig()
	for _, o := range cfg.Scoring {
		if o != nil {
			o(&sc)
		}
	}
	s.risk = sc.RiskThreshold
	s.baseline = sc.Baseline
	for i, u := range cfg.Users {
		one := []User{u}
		one[0].Team = slices.Clone(u.Team)
		if err := checkUsers(one); err != nil {
			s.log.Error("api: user ignored", "index", i, "err", err)
			continue
		}
		s.users = append(s.users, one[0])
	}
	reg := cfg.Registry
	if reg == nil {
		reg = newRegistry()
	}
	s.metrics = newMetrics(reg, s)

	mux := http.NewServeMux()
	routes := map[string][]string{} // path → methods, for 405 answers
	handle := func(method, path string, h http.HandlerFunc) {
		mux.HandleFunc(method+" "+path, h)
		routes[path] = append(routes[path], method)
	}
	handle("GET", "/healthz", s.healthz)
	handle("GET", "/metrics", s.metrics.handler(reg).ServeHTTP)
	handle("GET", "/v1/accounts", s.auth(s.listAccounts))
	handle("GET", "/v1/accounts/{id}", s.auth(s.getAccount))
	handle("GET", "/v1/accounts/{id}/commitments", s.auth(s.accountList("commitments", commitments)))
	handle("GET", "/v1/accounts/{id}/objections", s.auth(s.accountList("objections", objections)))
	handle("GET", "/v1/accounts/{id}/contacts", s.auth(s.accountList("contacts", s.contacts)))
	handle("GET", "/v1/accounts/{id}/timeline", s.auth(s.accountList("events", timeline)))
	handle("GET", "/v1/warnings", s.auth(s.listWarnings))
	handle("GET", "/v1/contacts/left", s.auth(s.listLeft))
	handle("PUT", "/v1/items/{id}/status", s.auth(s.putItemStatus))
	// The same paths without a method catch the other methods, so that
	// they get a JSON 405 rather than the mux's plain-text one.
	for path, methods := range routes {
		allow := methods
		if slices.Contains(allow, "GET") {
			allow = append(allow, "HEAD")
		}
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed",
				fmt.Sprintf("%s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allow, ", ")))
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no endpoint %s", r.URL.Path))
	})
	return s.instrument(mux)
}

// errorBody is the JSON every error answers with.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	var b errorBody
	b.Error.Code, b.Error.Message = code, msg
	writeJSON(w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	// Quotes hold <, > and & as said; nothing here is embedded in HTML.
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client is gone; nothing left to tell it
}

// fail answers a request with the error a failed store call deserves.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, graph.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "not found")
	case errors.Is(err, graph.ErrInvalid):
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; there is no one to answer.
	default:
		s.log.Error("api: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error; see the server log")
	}
}

type authedHandler func(w http.ResponseWriter, r *http.Request, u *User)

// auth admits requests that carry the bearer token of a known user.
func (s *server) auth(h authedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h0 := r.Header.Get("Authorization")
		scheme, token, ok := strings.Cut(h0, " ")
		if h0 == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="guanxi"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "missing Authorization: Bearer TOKEN header")
			return
		}
		token = strings.TrimSpace(token)
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="guanxi"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "Authorization header is not of the form Bearer TOKEN")
			return
		}
		u, ok := authenticate(s.users, token)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="guanxi", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "unknown token")
			return
		}
		if rec, ok := w.(*recorder); ok {
			rec.user = u.Name
		}
		h(w, r, u)
	}
}

// asOfParam reads ?as_of=: RFC 3339, or YYYY-MM-DD for the end of that day
// in China. Without it, the server's as-of time counts.
func (s *server) asOfParam(r *http.Request) (time.Time, error) {
	v := r.URL.Query().Get("as_of")
	if v == "" {
		return s.asOf(), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, v, chinaTime)
	if err != nil {
		return time.Time{}, fmt.Errorf("as_of %q is neither RFC 3339 (2024-05-06T09:30:00+08:00) nor YYYY-MM-DD", v)
	}
	// Everything said on that day counts.
	return d.Add(24*time.Hour - time.Nanosecond), nil
}

var chinaTime = time.FixedZone("CST", 8*3600)

// visible reports whether u may see the account: reps see the accounts
// they took part in, managers those of their team, the other roles all.
func visible(u *User, f graph.AccountFacts) bool {
	reps := u.reps()
	if reps == nil {
		return true
	}
	for _, id := range reps {
		if graph.TookPart(f, id) {
			return true
		}
	}
	return false
}

// account loads an account u may see. An account u may not see answers
// 404 exactly as an unknown one does, so that the API does not tell who
// else the vendor sells to. It writes the error and returns false when
// there is nothing to serve.
func (s *server) account(w http.ResponseWriter, r *http.Request, u *User) (graph.AccountFacts, bool) {
	id := r.PathValue("id")
	f, err := s.store.AccountFacts(r.Context(), id)
	if errors.Is(err, graph.ErrNotFound) || err == nil && !visible(u, f) {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("account %q not found", id))
		return graph.AccountFacts{}, false
	}
	if err != nil {
		s.fail(w, r, err)
		return graph.AccountFacts{}, false
	}
	return f, true
}

// allFacts loads every account.
func (s *server) allFacts(ctx context.Context) ([]graph.AccountFacts, error) {
	accounts, err := s.store.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]graph.AccountFacts, 0, len(accounts))
	for _, a := range accounts {
		f, err := s.store.AccountFacts(ctx, a.ID)
		if errors.Is(err, graph.ErrNotFound) {
			continue // removed since it was listed
		}
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// visibleFacts loads the accounts u may see.
func (s *server) visibleFacts(ctx context.Context, u *User) ([]graph.AccountFacts, error) {
	all, err := s.allFacts(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(f graph.AccountFacts) bool { return !visible(u, f) }), nil
}

// evaluate scores an account and lists its active warnings, redacted for u.
func (s *server) evaluate(u *User, f graph.AccountFacts, asOf time.Time) report {
	score, ws := scoring.Evaluate(f, asOf, s.scoring...)
	r := report{Score: newScoreView(score), Warnings: ws}
	redact(u, f, &r, s.risk)
	if r.Warnings == nil {
		r.Warnings = []scoring.Warning{}
	}
	return r
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

type accountRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type accountSummary struct {
	accountRef
	Technical  float64  `json:"technical"`
	Commercial *float64 `json:"commercial,omitempty"`
	Emotional  float64  `json:"emotional"`
	AtRisk     bool     `json:"at_risk"`
	Warnings   int      `json:"warnings"`
}

func (s *server) listAccounts(w http.ResponseWriter, r *http.Request, u *User) {
	asOf, err := s.asOfParam(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	facts, err := s.visibleFacts(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]accountSummary, 0, len(facts))
	for _, f := range facts {
		rep := s.evaluate(u, f, asOf)
		out = append(out, accountSummary{
			accountRef: accountRef{f.Account.ID, f.Account.Name},
			Technical:  rep.Score.Technical, Commercial: rep.Score.Commercial,
			Emotional: rep.Score.Emotional, AtRisk: rep.Score.AtRisk,
			Warnings: len(rep.Warnings),
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"as_of": asOf, "accounts": out})
}

func (s *server) getAccount(w http.ResponseWriter, r *http.Request, u *User) {
	asOf, err := s.asOfParam(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	f, ok := s.account(w, r, u)
	if !ok {
		return
	}
	rep := s.evaluate(u, f, asOf)
	writeJSON(w, http.StatusOK, map[string]any{
		"account":  accountRef{f.Account.ID, f.Account.Name},
		"as_of":    asOf,
		"score":    rep.Score,
		"warnings": rep.Warnings,
	})
}

// itemsResponse is the answer of the item and contact endpoints.
func itemsResponse(f graph.AccountFacts, asOf time.Time, key string, v any) map[string]any {
	return map[string]any{"account_id": f.Account.ID, "as_of": asOf, key: v}
}

// accountList serves one list about an account. The query time, the
// visibility check, the delivery redaction and the answer's shape are the
// same for every such list; build fills the part of the report it lists
// and returns that part.
func (s *server) accountList(key string, build func(r *http.Request, f graph.AccountFacts, asOf time.Time, rep *report) (func() any, error)) func(http.ResponseWriter, *http.Request, *User) {
	return func(w http.ResponseWriter, r *http.Request, u *User) {
		asOf, err := s.asOfParam(r)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		f, ok := s.account(w, r, u)
		if !ok {
			return
		}
		var rep report
		list, err := build(r, f, asOf, &rep)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		redact(u, f, &rep, s.risk)
		writeJSON(w, http.StatusOK, itemsResponse(f, asOf, key, list()))
	}
}

func commitments(r *http.Request, f graph.AccountFacts, asOf time.Time, rep *report) (func() any, error) {
	party := r.URL.Query().Get("party")
	if party != "" && party != "vendor" && party != "customer" {
		return nil, fmt.Errorf("party %q is neither vendor nor customer", party)
	}
	rep.Commitments = graph.OpenCommitmentsAsOf(f, asOf)
	if party != "" {
		rep.Commitments = slices.DeleteFunc(rep.Commitments, func(e graph.ItemEvidence) bool { return e.Party != party })
	}
	return func() any { return nonNil(rep.Commitments) }, nil
}

func objections(_ *http.Request, f graph.AccountFacts, asOf time.Time, rep *report) (func() any, error) {
	rep.Objections = graph.UnresolvedObjections(f, asOf)
	return func() any { return nonNil(rep.Objections) }, nil
}

// contacts lists the account's customer contacts: coverage and trust.
func (s *server) contacts(_ *http.Request, f graph.AccountFacts, asOf time.Time, rep *report) (func() any, error) {
	rep.Contacts = newContactViews(graph.ContactCoverage(f, asOf), scoring.EvaluateContacts(f, asOf, s.scoring...), s.baseline)
	return func() any { return nonNil(rep.Contacts) }, nil
}

func timeline(_ *http.Request, f graph.AccountFacts, asOf time.Time, rep *report) (func() any, error) {
	rep.Timeline = graph.Timeline(f, asOf)
	return func() any { return nonNil(rep.Timeline) }, nil
}

var severities = []scoring.Severity{scoring.SeverityLow, scoring.SeverityMedium, scoring.SeverityHigh}

func (s *server) listWarnings(w http.ResponseWriter, r *http.Request, u *User) {
	q := r.URL.Query()
	kind, severity := scoring.Kind(q.Get("kind")), scoring.Severity(q.Get("severity"))
	if kind != "" && !slices.Contains(scoring.Kinds, kind) {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("kind %q is not a warning kind", kind))
		return
	}
	if severity != "" && !slices.Contains(severities, severity) {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("severity %q is not low, medium or high", severity))
		return
	}
	if u.Role == RoleDelivery && slices.Contains(commercialWarnings, kind) {
		writeError(w, http.StatusForbidden, "forbidden", fmt.Sprintf("role %s may not see %s warnings", u.Role, kind))
		return
	}
	asOf, err := s.asOfParam(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	facts, err := s.visibleFacts(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []scoring.Warning{}
	for _, f := range facts {
		for _, wn := range s.evaluate(u, f, asOf).Warnings {
			if (kind == "" || wn.Kind == kind) && (severity == "" || wn.Severity == severity) {
				out = append(out, wn)
			}
		}
	}
	// Most severe first, so that the top of the list is what to act on.
	slices.SortStableFunc(out, func(a, b scoring.Warning) int {
		return cmp.Or(
			cmp.Compare(slices.Index(severities, b.Severity), slices.Index(severities, a.Severity)),
			a.Since.Compare(b.Since), cmp.Compare(a.AccountID, b.AccountID))
	})
	writeJSON(w, http.StatusOK, map[string]any{"as_of": asOf, "warnings": out})
}

func (s *server) listLeft(w http.ResponseWriter, r *http.Request, u *User) {
	asOf, err := s.asOfParam(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	facts, err := s.visibleFacts(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []graph.Departure{}
	for _, f := range facts {
		rep := report{Left: graph.LeftContacts(f, asOf)}
		redact(u, f, &rep, s.risk)
		out = append(out, rep.Left...)
	}
	slices.SortStableFunc(out, func(a, b graph.Departure) int {
		return cmp.Or(b.LeftAt.Compare(*a.LeftAt), cmp.Compare(a.AccountID, b.AccountID))
	})
	writeJSON(w, http.StatusOK, map[string]any{"as_of": asOf, "contacts": out})
}

type statusRequest struct {
	Status string `json:"status"`
}

func (s *server) putItemStatus(w http.ResponseWriter, r *http.Request, u *User) {
	if u.Role != RoleAdmin {
		writeError(w, http.StatusForbidden, "forbidden", fmt.Sprintf("role %s may not change items; only admin may", u.Role))
		return
	}
	var req statusRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(`body is not {"status": "…"}: %v`, err))
		return
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, "bad_request", "body holds more than one JSON value")
		return
	}
	if req.Status == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "status is missing")
		return
	}
	id := r.PathValue("id")
	facts, err := s.allFacts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, f := range facts {
		it, ok := graph.FindItem(f, id)
		if !ok {
			continue
		}
		allowed := graph.Statuses(it.Type)
		if !slices.Contains(allowed, req.Status) {
			writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("status %q is not one a %s may take: %s",
				req.Status, it.Type, strings.Join(allowed, ", ")))
			return
		}
		if err := s.store.SetItemStatus(r.Context(), id, req.Status); err != nil {
			s.fail(w, r, err)
			return
		}
		s.log.Info("api: item status set", "item", id, "account", f.Account.ID,
			"from", it.Status, "to", req.Status, "user", u.Name)
		writeJSON(w, http.StatusOK, map[string]any{
			"item_id": id, "account_id": f.Account.ID, "type": it.Type,
			"previous_status": it.Status, "status": req.Status,
		})
		return
	}
	writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("item %q not found", id))
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
