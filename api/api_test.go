package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/ingest"
)

var (
	wang  = ingest.Participant{ID: "c1", Name: "王芳", Side: ingest.SideCustomer, Title: "IT总监"}
	zhang = ingest.Participant{ID: "c2", Name: "张伟", Side: ingest.SideCustomer, Title: "采购经理"}
	chen  = ingest.Participant{ID: "q1", Name: "陈静", Side: ingest.SideCustomer, Title: "CTO"}
	sun   = ingest.Participant{ID: "g1", Name: "孙丽", Side: ingest.SideCustomer, Title: "运营主管"}
	li    = ingest.Participant{ID: "v1", Name: "李雷", Side: ingest.SideVendor, Title: "客户经理"}
	zhao  = ingest.Participant{ID: "v2", Name: "赵敏", Side: ingest.SideVendor, Title: "客户经理"}
	qian  = ingest.Participant{ID: "v3", Name: "钱进", Side: ingest.SideVendor, Title: "客户经理"}

	acme  = ingest.Account{ID: "ACME", Name: "艾克米科技"}
	beta  = ingest.Account{ID: "BETA", Name: "贝塔物流"}
	gamma = ingest.Account{ID: "GAMMA", Name: "伽马制造"}
)

// Quotes that only roles allowed commercial terms may read.
const (
	priceQuote      = "价格比预算高了三成"
	termsQuote      = "账期能不能放到九十天"
	competitorQuote = "友商报价便宜两成"
)

var asOf = time.Date(2024, 5, 25, 12, 0, 0, 0, time.FixedZone("CST", 8*3600))

func at(day, clock string) time.Time {
	t, err := time.Parse(time.RFC3339, day+"T"+clock+"+08:00")
	if err != nil {
		panic(err)
	}
	return t
}

// item builds an item whose span is where text stands in fieldText,
// counted in runes as the item contract requires.
func item(t *testing.T, typ extract.Type, subtype string, party ingest.Side, speaker, field, fieldText, text, due string) extract.Item {
	t.Helper()
	i := strings.Index(fieldText, text)
	require.GreaterOrEqual(t, i, 0, "evidence %q not in field", text)
	start := utf8.RuneCountInString(fieldText[:i])
	return extract.Item{
		Type: typ, Subtype: subtype, Party: string(party), Speaker: speaker, Text: text,
		Due: due, Confidence: 0.9, Model: "guanxi-items@1.0.0", Field: field,
		Start: start, End: start + utf8.RuneCountInString(text),
	}
}

type fixture struct {
	msg   ingest.Message
	items []extract.Item
}

// fixtures: ACME is 李雷's account with commercial and technical friction,
// BETA is 赵敏's, whose CTO left, and GAMMA is 钱进's.
func fixtures(t *testing.T) []fixture {
	m1Body := "李总好，" + priceQuote + "，请再考虑一下。"
	m2Body := "会上王芳提到接口并发撑不住，每天手工对账两小时。李雷：我们下周五前提供接口文档。"
	m3Body := termsQuote + "？另外" + competitorQuote + "。"
	m5Turn := "我周三前给测试账号"
	return []fixture{
		{msg: ingest.Message{ID: "m1", Channel: ingest.ChannelEmail, Account: acme, OccurredAt: at("2024-05-06", "09:30:00"),
			Participants: []ingest.Participant{zhang, li}, From: zhang.ID, Subject: "报价问题", Body: m1Body},
			items: []extract.Item{item(t, extract.Objection, "price", ingest.SideCustomer, zhang.ID, "body", m1Body, priceQuote, "")}},
		{msg: ingest.Message{ID: "m2", Channel: ingest.ChannelMeeting, Account: acme, OccurredAt: at("2024-05-08", "14:00:00"),
			Participants: []ingest.Participant{wang, li}, Subject: "技术交流会", Body: m2Body},
			items: []extract.Item{
				item(t, extract.Objection, "technical", ingest.SideCustomer, wang.ID, "body", m2Body, "接口并发撑不住", ""),
				item(t, extract.PainPoint, "efficiency", ingest.SideCustomer, wang.ID, "body", m2Body, "每天手工对账两小时", ""),
				item(t, extract.Commitment, "deliver", ingest.SideVendor, li.ID, "body", m2Body, "我们下周五前提供接口文档", "2024-05-10"),
			}},
		{msg: ingest.Message{ID: "m3", Channel: ingest.ChannelEmail, Account: acme, OccurredAt: at("2024-05-15", "10:00:00"),
			Participants: []ingest.Participant{zhang, li}, From: zhang.ID, Subject: "Re: 报价问题", Body: m3Body},
			items: []extract.Item{
				item(t, extract.Objection, "terms", ingest.SideCustomer, zhang.ID, "body", m3Body, termsQuote, ""),
				item(t, extract.Objection, "competitor", ingest.SideCustomer, zhang.ID, "body", m3Body, competitorQuote, ""),
			}},
		{msg: ingest.Message{ID: "m4", Channel: ingest.ChannelChat, Account: beta, OccurredAt: at("2024-05-07", "11:00:00"),
			Participants: []ingest.Participant{chen, zhao},
			Turns:        []ingest.Turn{{Speaker: chen.ID, Text: m5Turn}}},
			items: []extract.Item{item(t, extract.Commitment, "deliver", ingest.SideCustomer, chen.ID, "turns[0]", m5Turn, m5Turn, "2024-05-08")}},
		{msg: ingest.Message{ID: "m5", Channel: ingest.ChannelActivity, Account: beta, OccurredAt: at("2024-05-20", "09:00:00"),
			Participants: []ingest.Participant{chen},
			Activity:     &ingest.Activity{Kind: ingest.ActivityContactLeft, Actor: chen.ID}}},
		{msg: ingest.Message{ID: "m6", Channel: ingest.ChannelEmail, Account: gamma, OccurredAt: at("2024-05-09", "16:00:00"),
			Participants: []ingest.Participant{sun, qian}, From: qian.ID, Subject: "产品资料", Body: "孙主管好，资料见附件。"}},
	}
}

var tokens = map[string]User{
	"tok-rep1":     {Name: "李雷", Role: RoleRep, RepID: "v1"},
	"tok-rep2":     {Name: "赵敏", Role: RoleRep, RepID: "v2"},
	"tok-manager":  {Name: "周经理", Role: RoleManager, Team: []string{"v1", "v2"}},
	"tok-delivery": {Name: "吴工", Role: RoleDelivery},
	"tok-ops":      {Name: "运维", Role: RoleOps},
	"tok-admin":    {Name: "管理员", Role: RoleAdmin},
}

type env struct {
	t     *testing.T
	store *graph.Store
	srv   *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	store, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBBolt, Path: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	for _, fx := range fixtures(t) {
		require.NoError(t, store.PutMessage(ctx, fx.msg, fx.items), fx.msg.ID)
	}
	var users []User
	for tok, u := range tokens {
		u.TokenSHA256 = HashToken(tok)
		users = append(users, u)
	}
	h := New(Config{
		Store:  store,
		Users:  users,
		AsOf:   func() time.Time { return asOf },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, store: store, srv: srv}
}

// do sends a request and returns the status and body.
func (e *env) do(method, path, token, body string) (int, []byte) {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
	require.NoError(e.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.srv.Client().Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	if resp.StatusCode != http.StatusNoContent && method != http.MethodHead {
		assert.Equal(e.t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"), "%s %s", method, path)
	}
	return resp.StatusCode, b
}

// get fetches path and decodes a 200 answer into v.
func (e *env) get(path, token string, v any) {
	e.t.Helper()
	code, body := e.do(http.MethodGet, path, token, "")
	require.Equal(e.t, http.StatusOK, code, "GET %s: %s", path, body)
	require.NoError(e.t, json.Unmarshal(body, v), string(body))
}

func accountIDs(t *testing.T, e *env, token string) []string {
	var resp struct {
		Accounts []struct {
			ID string `json:"id"`
		} `json:"accounts"`
	}
	e.get("/v1/accounts", token, &resp)
	var ids []string
	for _, a := range resp.Accounts {
		ids = append(ids, a.ID)
	}
	return ids
}

func TestVisibility(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		token string
		want  []string
	}{
		{"tok-rep1", []string{"ACME"}},
		{"tok-rep2", []string{"BETA"}},
		{"tok-manager", []string{"ACME", "BETA"}},
		{"tok-delivery", []string{"ACME", "BETA", "GAMMA"}},
		{"tok-ops", []string{"ACME", "BETA", "GAMMA"}},
		{"tok-admin", []string{"ACME", "BETA", "GAMMA"}},
	}
	paths := []string{"", "/commitments", "/objections", "/contacts", "/timeline"}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			assert.Equal(t, tt.want, accountIDs(t, e, tt.token))
			for _, acc := range []string{"ACME", "BETA", "GAMMA"} {
				for _, p := range paths {
					code, body := e.do(http.MethodGet, "/v1/accounts/"+acc+p, tt.token, "")
					if contains(tt.want, acc) {
						assert.Equal(t, http.StatusOK, code, "%s%s: %s", acc, p, body)
					} else {
						assert.Equal(t, http.StatusNotFound, code, "%s%s", acc, p)
						assertError(t, body, "not_found")
						assert.NotContains(t, string(body), "艾克米", "nothing about the account leaks")
					}
				}
			}
			var w struct {
				Warnings []struct {
					AccountID string `json:"account_id"`
				} `json:"warnings"`
			}
			e.get("/v1/warnings", tt.token, &w)
			for _, wn := range w.Warnings {
				assert.Contains(t, tt.want, wn.AccountID)
			}
			var left struct {
				Contacts []struct {
					ID        string `json:"id"`
					AccountID string `json:"account_id"`
				} `json:"contacts"`
			}
			e.get("/v1/contacts/left", tt.token, &left)
			if contains(tt.want, "BETA") {
				require.Len(t, left.Contacts, 1)
				assert.Equal(t, "q1", left.Contacts[0].ID)
			} else {
				assert.Empty(t, left.Contacts)
			}
		})
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func assertError(t *testing.T, body []byte, code string) {
	t.Helper()
	var b errorBody
	require.NoError(t, json.Unmarshal(body, &b), string(body))
	assert.Equal(t, code, b.Error.Code, string(body))
	assert.NotEmpty(t, b.Error.Message)
}

// TestDeliveryRedaction reads everything delivery can reach and checks that
// no commercial fact is in it, while ops reads the same facts in full.
func TestDeliveryRedaction(t *testing.T) {
	e := newEnv(t)
	paths := []string{
		"/v1/accounts", "/v1/accounts/ACME", "/v1/accounts/ACME/commitments",
		"/v1/accounts/ACME/objections", "/v1/accounts/ACME/contacts",
		"/v1/accounts/ACME/timeline", "/v1/warnings", "/v1/contacts/left",
		"/v1/accounts/ACME?as_of=2024-05-16", "/v1/warnings?as_of=2024-05-16",
	}
	var everything, opsSees strings.Builder
	for _, p := range paths {
		code, body := e.do(http.MethodGet, p, "tok-delivery", "")
		require.Equal(t, http.StatusOK, code, p)
		everything.Write(body)
		assert.NotContains(t, string(body), `"commercial"`, p)
		_, body = e.do(http.MethodGet, p, "tok-ops", "")
		opsSees.Write(body)
	}
	for _, secret := range []string{priceQuote, termsQuote, competitorQuote,
		string(`"commercial_sensitivity"`), `"competitor_threat"`, `"subtype":"price"`, `"subtype":"terms"`} {
		assert.NotContains(t, everything.String(), secret)
	}
	for _, fact := range []string{priceQuote, termsQuote, competitorQuote, `"commercial":`, `"commercial_sensitivity"`} {
		assert.Contains(t, opsSees.String(), fact, "ops sees the commercial facts")
	}
	// What delivery is there for stays.
	for _, fact := range []string{"接口并发撑不住", "我们下周五前提供接口文档", `"technical":`, `"emotional":`} {
		assert.Contains(t, everything.String(), fact)
	}

	var acct struct {
		Score map[string]any `json:"score"`
	}
	e.get("/v1/accounts/ACME", "tok-delivery", &acct)
	assert.NotContains(t, acct.Score, "commercial")
	assert.Contains(t, acct.Score, "technical")

	code, body := e.do(http.MethodGet, "/v1/warnings?kind=commercial_sensitivity", "tok-delivery", "")
	assert.Equal(t, http.StatusForbidden, code)
	assertError(t, body, "forbidden")
}

func TestErrors(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, method, path, token, body string
		status                          int
		code                            string
	}{
		{"no token", "GET", "/v1/accounts", "", "", 401, "unauthorized"},
		{"unknown token", "GET", "/v1/accounts", "tok-nobody", "", 401, "unauthorized"},
		{"unknown token on account", "GET", "/v1/accounts/ACME", "tok-nobody", "", 401, "unauthorized"},
		{"ops may not write", "PUT", "/v1/items/x/status", "tok-ops", `{"status":"kept"}`, 403, "forbidden"},
		{"rep may not write", "PUT", "/v1/items/x/status", "tok-rep1", `{"status":"kept"}`, 403, "forbidden"},
		{"manager may not write", "PUT", "/v1/items/x/status", "tok-manager", `{"status":"kept"}`, 403, "forbidden"},
		{"delivery may not write", "PUT", "/v1/items/x/status", "tok-delivery", `{"status":"kept"}`, 403, "forbidden"},
		{"unknown account", "GET", "/v1/accounts/NOPE", "tok-ops", "", 404, "not_found"},
		{"invisible account", "GET", "/v1/accounts/BETA", "tok-rep1", "", 404, "not_found"},
		{"unknown path", "GET", "/v2/accounts", "tok-ops", "", 404, "not_found"},
		{"unknown item", "PUT", "/v1/items/nope/status", "tok-admin", `{"status":"kept"}`, 404, "not_found"},
		{"bad as_of", "GET", "/v1/accounts?as_of=yesterday", "tok-ops", "", 400, "bad_request"},
		{"bad as_of on account", "GET", "/v1/accounts/ACME?as_of=2024-13-01", "tok-ops", "", 400, "bad_request"},
		{"bad as_of on warnings", "GET", "/v1/warnings?as_of=5%2F25", "tok-ops", "", 400, "bad_request"},
		{"bad party", "GET", "/v1/accounts/ACME/commitments?party=both", "tok-ops", "", 400, "bad_request"},
		{"bad kind", "GET", "/v1/warnings?kind=angry", "tok-ops", "", 400, "bad_request"},
		{"bad severity", "GET", "/v1/warnings?severity=critical", "tok-ops", "", 400, "bad_request"},
		{"bad body", "PUT", "/v1/items/x/status", "tok-admin", `status=kept`, 400, "bad_request"},
		{"unknown field", "PUT", "/v1/items/x/status", "tok-admin", `{"state":"kept"}`, 400, "bad_request"},
		{"empty status", "PUT", "/v1/items/x/status", "tok-admin", `{"status":""}`, 400, "bad_request"},
		{"POST accounts", "POST", "/v1/accounts", "tok-admin", "", 405, "method_not_allowed"},
		{"DELETE account", "DELETE", "/v1/accounts/ACME", "tok-admin", "", 405, "method_not_allowed"},
		{"GET item status", "GET", "/v1/items/x/status", "tok-admin", "", 405, "method_not_allowed"},
		{"POST healthz", "POST", "/healthz", "", "", 405, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := e.do(tt.method, tt.path, tt.token, tt.body)
			assert.Equal(t, tt.status, code, string(body))
			assertError(t, body, tt.code)
		})
	}

	req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/v1/accounts", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Basic dG9rLW9wczp4")
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "Bearer")

	req, err = http.NewRequest(http.MethodPost, e.srv.URL+"/v1/accounts/ACME", nil)
	require.NoError(t, err)
	resp, err = e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "GET, HEAD", resp.Header.Get("Allow"))
}

func TestAdminSetsStatus(t *testing.T) {
	e := newEnv(t)
	var before struct {
		Commitments []graph.ItemEvidence `json:"commitments"`
	}
	e.get("/v1/accounts/ACME/commitments?party=vendor", "tok-admin", &before)
	require.Len(t, before.Commitments, 1)
	c := before.Commitments[0]
	assert.True(t, c.Overdue, "due 2024-05-10, asked 2024-05-25")
	assert.Equal(t, 15, c.DaysOverdue)
	assert.Equal(t, "m2", c.MessageID)
	assert.Equal(t, "我们下周五前提供接口文档", c.Quote)

	// A commitment cannot be "answered".
	code, body := e.do(http.MethodPut, "/v1/items/"+c.ItemID+"/status", "tok-admin", `{"status":"answered"}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assertError(t, body, "bad_request")
	assert.Contains(t, string(body), "kept, broken, withdrawn")

	code, body = e.do(http.MethodPut, "/v1/items/"+c.ItemID+"/status", "tok-ops", `{"status":"kept"}`)
	assert.Equal(t, http.StatusForbidden, code, string(body))

	code, body = e.do(http.MethodPut, "/v1/items/"+c.ItemID+"/status", "tok-admin", `{"status":"kept"}`)
	require.Equal(t, http.StatusOK, code, string(body))
	var resp map[string]string
	require.NoError(t, json.Unmarshal(body, &resp))
	assert.Equal(t, map[string]string{"item_id": c.ItemID, "account_id": "ACME", "type": "commitment",
		"previous_status": "open", "status": "kept"}, resp)

	f, err := e.store.AccountFacts(context.Background(), "ACME")
	require.NoError(t, err)
	it, ok := graph.FindItem(f, c.ItemID)
	require.True(t, ok)
	assert.Equal(t, graph.StatusKept, it.Status, "written to the store")

	var after struct {
		Commitments []graph.ItemEvidence `json:"commitments"`
	}
	e.get("/v1/accounts/ACME/commitments?party=vendor", "tok-rep1", &after)
	assert.Empty(t, after.Commitments)
	assert.NotNil(t, after.Commitments, "an empty list is [], not null")

	// Objections take answered / resolved.
	var obj struct {
		Objections []graph.ItemEvidence `json:"objections"`
	}
	e.get("/v1/accounts/ACME/objections", "tok-admin", &obj)
	require.Len(t, obj.Objections, 4)
	code, body = e.do(http.MethodPut, "/v1/items/"+obj.Objections[1].ItemID+"/status", "tok-admin", `{"status":"resolved"}`)
	require.Equal(t, http.StatusOK, code, string(body))
	e.get("/v1/accounts/ACME/objections", "tok-admin", &obj)
	assert.Len(t, obj.Objections, 3)
	code, _ = e.do(http.MethodPut, "/v1/items/"+obj.Objections[0].ItemID+"/status", "tok-admin", `{"status":"kept"}`)
	assert.Equal(t, http.StatusBadRequest, code)
}

func TestJSONShape(t *testing.T) {
	e := newEnv(t)

	code, raw := e.do(http.MethodGet, "/v1/accounts/ACME", "tok-ops", "")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(raw), `"name":"艾克米科技"`, "Chinese text is written as UTF-8, not escaped")
	var acct map[string]any
	require.NoError(t, json.Unmarshal(raw, &acct))
	assert.Equal(t, map[string]any{"id": "ACME", "name": "艾克米科技"}, acct["account"])
	assert.Equal(t, "2024-05-25T12:00:00+08:00", acct["as_of"])
	score := acct["score"].(map[string]any)
	for _, k := range []string{"account_id", "as_of", "technical", "commercial", "emotional", "at_risk", "evidence"} {
		assert.Contains(t, score, k)
	}
	assert.NotEmpty(t, score["evidence"])
	ws := acct["warnings"].([]any)
	require.NotEmpty(t, ws)
	for _, w := range ws {
		for _, k := range []string{"account_id", "kind", "severity", "since", "evidence", "message"} {
			assert.Contains(t, w, k)
		}
	}

	var list struct {
		AsOf     time.Time        `json:"as_of"`
		Accounts []map[string]any `json:"accounts"`
	}
	e.get("/v1/accounts", "tok-manager", &list)
	assert.True(t, list.AsOf.Equal(asOf))
	require.Len(t, list.Accounts, 2)
	for _, k := range []string{"id", "name", "technical", "commercial", "emotional", "at_risk", "warnings"} {
		assert.Contains(t, list.Accounts[0], k)
	}

	// ?as_of= moves the clock: before any message, ACME has no warnings.
	e.get("/v1/accounts/ACME?as_of=2024-05-01", "tok-ops", &acct)
	assert.Empty(t, acct["warnings"])
	assert.Equal(t, "2024-05-01T23:59:59.999999999+08:00", acct["as_of"])

	var contacts struct {
		AccountID string           `json:"account_id"`
		Contacts  []graph.Coverage `json:"contacts"`
	}
	e.get("/v1/accounts/ACME/contacts", "tok-rep1", &contacts)
	assert.Equal(t, "ACME", contacts.AccountID)
	require.Len(t, contacts.Contacts, 2)
	assert.Equal(t, "c2", contacts.Contacts[0].ID, "most interactions first")
	assert.Equal(t, 2, contacts.Contacts[0].Interactions)
	assert.Equal(t, graph.RoleProcurementFinance, contacts.Contacts[0].Role)
	assert.Equal(t, []graph.PersonRef{{ID: "v1", Name: "李雷"}}, contacts.Contacts[0].Via)
	assert.Equal(t, graph.RoleTechnical, contacts.Contacts[1].Role)

	var tl struct {
		Events []graph.Event `json:"events"`
	}
	e.get("/v1/accounts/ACME/timeline", "tok-rep1", &tl)
	require.Len(t, tl.Events, 9, "3 messages and 6 items")
	assert.Equal(t, "邮件「报价问题」：张伟 → 李雷", tl.Events[0].Summary)
	assert.Equal(t, "m1", tl.Events[0].MessageID)

	var left struct {
		Contacts []graph.Departure `json:"contacts"`
	}
	e.get("/v1/contacts/left", "tok-rep2", &left)
	require.Len(t, left.Contacts, 1)
	assert.Equal(t, "陈静", left.Contacts[0].Name)
	assert.Equal(t, "BETA", left.Contacts[0].AccountID)
	assert.True(t, left.Contacts[0].Key, "the only contact was the most active")
	assert.Equal(t, graph.RoleDecisionMaker, left.Contacts[0].TitleRole)

	var warns struct {
		Warnings []map[string]any `json:"warnings"`
	}
	e.get("/v1/warnings?severity=high", "tok-ops", &warns)
	for _, w := range warns.Warnings {
		assert.Equal(t, "high", w["severity"])
	}
	e.get("/v1/warnings?kind=overdue_commitment", "tok-ops", &warns)
	require.NotEmpty(t, warns.Warnings)
	for _, w := range warns.Warnings {
		assert.Equal(t, "overdue_commitment", w["kind"])
	}

	code, raw = e.do(http.MethodGet, "/healthz", "", "")
	assert.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"status":"ok"}`, string(raw))
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	e.do(http.MethodGet, "/v1/accounts", "tok-ops", "")
	e.do(http.MethodGet, "/v1/accounts", "", "")
	e.do(http.MethodGet, "/v1/accounts/ACME", "tok-rep2", "")

	resp, err := e.srv.Client().Get(e.srv.URL + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "no token needed")
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	text := string(b)
	for _, line := range []string{
		`guanxi_http_requests_total{code="200",method="GET",route="GET /v1/accounts"} 1`,
		`guanxi_http_requests_total{code="401",method="GET",route="GET /v1/accounts"} 1`,
		`guanxi_http_requests_total{code="404",method="GET",route="GET /v1/accounts/{id}"} 1`,
		`guanxi_http_request_duration_seconds_count{method="GET",route="GET /v1/accounts"} 2`,
		"guanxi_accounts 3",
		`guanxi_warnings_active{kind="overdue_commitment",severity="high"} 1`,
		"# TYPE go_goroutines gauge",
	} {
		assert.Contains(t, text, line+"\n")
	}
	assert.Regexp(t, `(?m)^guanxi_accounts_at_risk [1-3]$`, text)
}

func TestHashTokenAndReadUsers(t *testing.T) {
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", HashToken("abc"))
	assert.Equal(t, HashToken("s3cret"), HashToken("s3cret\n"), "the newline of a token file is not part of it")
	assert.Len(t, HashToken("令牌"), 64)

	good := `[{"token_sha256":"` + HashToken("a") + `","name":"李雷","role":"rep","rep_id":"v1"},
		{"token_sha256":"` + HashToken("b") + `","name":"周经理","role":"manager","team":["v1","v2"]}]`
	users, err := ReadUsers(strings.NewReader(good))
	require.NoError(t, err)
	require.Len(t, users, 2)
	u, ok := authenticate(users, "b")
	require.True(t, ok)
	assert.Equal(t, "周经理", u.Name)
	assert.Equal(t, []string{"v1", "v2"}, u.reps())
	_, ok = authenticate(users, "c")
	assert.False(t, ok)

	h := HashToken("x")
	tests := []struct {
		name, json, want string
	}{
		{"not json", `{`, "unexpected EOF"},
		{"object", `{"name":"x"}`, "cannot unmarshal"},
		{"unknown field", `[{"token":"x","name":"a","role":"ops"}]`, `unknown field "token"`},
		{"no name", `[{"token_sha256":"` + h + `","role":"ops"}]`, "no name"},
		{"bad role", `[{"token_sha256":"` + h + `","name":"a","role":"boss"}]`, `role "boss"`},
		{"short hash", `[{"token_sha256":"abc","name":"a","role":"ops"}]`, "64 hex digits"},
		{"rep without id", `[{"token_sha256":"` + h + `","name":"a","role":"rep"}]`, "rep_id"},
		{"manager without team", `[{"token_sha256":"` + h + `","name":"a","role":"manager"}]`, "team"},
		{"same token twice", `[{"token_sha256":"` + h + `","name":"a","role":"ops"},{"token_sha256":"` + strings.ToUpper(h) + `","name":"b","role":"admin"}]`, "same token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadUsers(strings.NewReader(tt.json))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestNewIgnoresBadUsers(t *testing.T) {
	var logs bytes.Buffer
	h := New(Config{
		Store:  nil,
		Users:  []User{{Name: "坏", Role: RoleOps, TokenSHA256: "zz"}},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	req := httptest.NewRequest(http.MethodGet, "/v1/accounts", nil)
	req.Header.Set("Authorization", "Bearer zz")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.Contains(t, logs.String(), "user ignored")
}

func TestAccountTrendAndContactScores(t *testing.T) {
	e := newEnv(t)

	var acct struct {
		Score struct {
			Technical float64 `json:"technical"`
			Trend     *struct {
				Since      time.Time `json:"since"`
				Technical  float64   `json:"technical"`
				Commercial *float64  `json:"commercial"`
				Emotional  float64   `json:"emotional"`
				Before     struct {
					Technical  float64  `json:"technical"`
					Commercial *float64 `json:"commercial"`
				} `json:"before"`
			} `json:"trend"`
		} `json:"score"`
	}
	e.get("/v1/accounts/ACME", "tok-ops", &acct)
	tr := acct.Score.Trend
	require.NotNil(t, tr, "the account answer carries the 30-day trend")
	assert.True(t, tr.Since.Equal(asOf.Add(-30*24*time.Hour)))
	assert.Equal(t, 60.0, tr.Before.Technical, "30 days earlier ACME had no history")
	assert.InDelta(t, acct.Score.Technical-60, tr.Technical, 0.05)
	require.NotNil(t, tr.Commercial)
	assert.Less(t, *tr.Commercial, 0.0, "price and terms objections since")

	type contactJSON struct {
		ID         string            `json:"id"`
		Role       graph.ContactRole `json:"role"`
		Technical  float64           `json:"technical"`
		Commercial *float64          `json:"commercial"`
		Emotional  float64           `json:"emotional"`
		WeakLink   bool              `json:"weak_link"`
		Evidence   []map[string]any  `json:"evidence"`
		Trend      *map[string]any   `json:"trend"`
	}
	var contacts struct {
		Contacts []contactJSON `json:"contacts"`
	}
	byID := func() map[string]contactJSON {
		out := map[string]contactJSON{}
		for _, c := range contacts.Contacts {
			out[c.ID] = c
		}
		return out
	}

	e.get("/v1/accounts/ACME/contacts", "tok-rep1", &contacts)
	cs := byID()
	require.Len(t, cs, 2)
	buyer, it := cs["c2"], cs["c1"]
	assert.Equal(t, graph.RoleProcurementFinance, buyer.Role)
	require.NotNil(t, buyer.Commercial)
	require.NotNil(t, it.Commercial)
	assert.Less(t, *buyer.Commercial, *it.Commercial, "the buyer objected to price and terms")
	assert.Less(t, it.Technical, buyer.Technical, "the IT director objected to the interface")
	for _, c := range cs {
		require.NotNil(t, c.Trend, c.ID)
		require.NotEmpty(t, c.Evidence, c.ID)
		for _, ev := range c.Evidence {
			assert.NotEmpty(t, ev["message_id"], c.ID)
		}
	}

	contacts.Contacts = nil
	e.get("/v1/accounts/ACME/contacts", "tok-delivery", &contacts)
	cs = byID()
	require.Len(t, cs, 2)
	for _, c := range cs {
		assert.Nil(t, c.Commercial, "delivery sees no commercial dimension of %s", c.ID)
		assert.NotContains(t, *c.Trend, "commercial")
		for _, ev := range c.Evidence {
			assert.NotEqual(t, "commercial", ev["dimension"])
		}
	}
	assert.Less(t, cs["c1"].Technical, 60.0, "technical trust stays visible")
}
