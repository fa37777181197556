package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/notify"
	"github.com/guanxi-dev/guanxi/scoring"
)

var cst = time.FixedZone("CST", 8*60*60)

// fixedNow is the clock requests are signed by in tests.
var fixedNow = time.Date(2026, 10, 12, 9, 30, 0, 0, cst)

// request is what a test server saw of one request.
type request struct {
	method string
	path   string
	query  url.Values
	header http.Header
	body   []byte
}

// reply is one canned answer.
type reply struct {
	status int
	body   string
	header map[string]string
	hangUp bool // close the connection without answering
}

// server plays a webhook receiver on loopback: it records every request
// and answers with the replies in turn, repeating the last.
type server struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []request
	replies []reply
}

func newServer(t *testing.T, replies ...reply) *server {
	t.Helper()
	s := &server{replies: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.reqs = append(s.reqs, request{method: r.Method, path: r.URL.Path, query: r.URL.Query(), header: r.Header.Clone(), body: body})
	rep := reply{status: 200, body: `{"errcode":0,"errmsg":"ok","code":0,"msg":"success"}`}
	if n := len(s.reqs); len(s.replies) > 0 {
		rep = s.replies[min(n, len(s.replies))-1]
	}
	s.mu.Unlock()
	if rep.hangUp {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
}

func (s *server) requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.reqs...)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// testOptions keep retries fast and signatures reproducible.
func testOptions() []notify.Option {
	return []notify.Option{
		notify.WithBackoff(time.Millisecond, 5*time.Millisecond),
		notify.WithClock(func() time.Time { return fixedNow }),
		notify.WithLogger(quietLogger()),
	}
}

func newWebhook(t *testing.T, cfg notify.Config, opts ...notify.Option) *notify.Webhook {
	t.Helper()
	w, err := notify.New(cfg, append(testOptions(), opts...)...)
	require.NoError(t, err)
	return w
}

// sampleEvents is an overdue commitment raised and a going-dark warning
// cleared, with more evidence than a message shows.
func sampleEvents() []notify.Event {
	overdue := scoring.Warning{
		AccountID: "acct-hd",
		Kind:      scoring.OverdueCommitment,
		Severity:  scoring.SeverityHigh,
		Since:     time.Date(2026, 10, 1, 0, 30, 0, 0, cst),
		Message:   "我方承诺10月8日前提交测试报告，已逾期4天。建议今天由销售负责人致电客户说明进度。",
		Evidence: []scoring.Evidence{
			{MessageID: "msg-101", Quote: "下周三之前\n我们把测试报告发给您。", Signal: "commitment_overdue"},
			{MessageID: "msg-102", Quote: "报告什么时候能到？", Signal: "follow_up"},
			{MessageID: "msg-103", Quote: "Q4 budget 要看这份 report 才能定。", Signal: "dependency"},
			{MessageID: "msg-104", Quote: "第四条不该出现", Signal: "extra"},
		},
	}
	dark := scoring.Warning{
		AccountID: "acct-hd",
		Kind:      scoring.GoingDark,
		Severity:  scoring.SeverityMedium,
		Since:     time.Date(2026, 9, 20, 0, 0, 0, 0, cst),
		Message:   "客户已恢复回复。",
		Evidence:  []scoring.Evidence{{MessageID: "msg-90", Quote: "最近在忙招标，回头联系。", Signal: "silence"}},
	}
	return []notify.Event{
		{Action: scoring.Raised, Warning: overdue, AccountName: "华东电力"},
		{Action: scoring.Cleared, Warning: dark, AccountName: "华东电力"},
	}
}

// assertReadable checks that a rendered message says what a manager needs.
func assertReadable(t *testing.T, text string) {
	t.Helper()
	for _, want := range []string{
		"【新预警】华东电力 · 承诺逾期", "高", "开始于：2026-10-01", "账户：acct-hd",
		"我方承诺10月8日前提交测试报告，已逾期4天。",
		"“下周三之前 我们把测试报告发给您。”（msg-101）",
		"报告什么时候能到？", "msg-102", "Q4 budget 要看这份 report 才能定。", "msg-103",
		"【已解除】华东电力 · 客户失联",
	} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, text, "第四条不该出现", "at most three quotes per warning")
	assert.NotContains(t, text, "msg-104")
	assert.True(t, utf8.ValidString(text))
}

func hmacSHA256(key, msg string) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func TestPlatformPayloads(t *testing.T) {
	tests := []struct {
		name   string
		kind   notify.Platform
		path   string
		secret string
		check  func(t *testing.T, r request)
	}{
		{
			name: "wecom markdown", kind: notify.WeCom, path: "/cgi-bin/webhook/send?key=k-123",
			check: func(t *testing.T, r request) {
				assert.Equal(t, "k-123", r.query.Get("key"))
				var body struct {
					MsgType  string `json:"msgtype"`
					Markdown struct {
						Content string `json:"content"`
					} `json:"markdown"`
				}
				require.NoError(t, strictDecode(r.body, &body))
				assert.Equal(t, "markdown", body.MsgType)
				assertReadable(t, body.Markdown.Content)
				assert.Contains(t, body.Markdown.Content, `<font color="warning">高</font>`)
				assert.LessOrEqual(t, len(body.Markdown.Content), notify.WeComContentLimit)
			},
		},
		{
			name: "dingtalk signed markdown", kind: notify.DingTalk, path: "/robot/send?access_token=tok-1", secret: "SECdingtalk-secret",
			check: func(t *testing.T, r request) {
				assert.Equal(t, "tok-1", r.query.Get("access_token"))
				ts := r.query.Get("timestamp")
				assert.Equal(t, strconv.FormatInt(fixedNow.UnixMilli(), 10), ts, "milliseconds")
				want := base64.StdEncoding.EncodeToString(hmacSHA256("SECdingtalk-secret", ts+"\nSECdingtalk-secret"))
				assert.Equal(t, want, r.query.Get("sign"), "sign is HMAC-SHA256 of timestamp\\nsecret keyed by secret")
				var body struct {
					MsgType  string `json:"msgtype"`
					Markdown struct {
						Title string `json:"title"`
						Text  string `json:"text"`
					} `json:"markdown"`
				}
				require.NoError(t, strictDecode(r.body, &body))
				assert.Equal(t, "markdown", body.MsgType)
				assert.Equal(t, "关系预警（2 条）", body.Markdown.Title)
				assertReadable(t, body.Markdown.Text)
			},
		},
		{
			name: "feishu signed card", kind: notify.Feishu, path: "/open-apis/bot/v2/hook/abc", secret: "feishu-secret",
			check: func(t *testing.T, r request) {
				var body struct {
					Timestamp string `json:"timestamp"`
					Sign      string `json:"sign"`
					MsgType   string `json:"msg_type"`
					Card      struct {
						Config struct {
							WideScreenMode bool `json:"wide_screen_mode"`
						} `json:"config"`
						Header struct {
							Title struct {
								Tag     string `json:"tag"`
								Content string `json:"content"`
							} `json:"title"`
							Template string `json:"template"`
						} `json:"header"`
						Elements []struct {
							Tag  string `json:"tag"`
							Text struct {
								Tag     string `json:"tag"`
								Content string `json:"content"`
							} `json:"text"`
						} `json:"elements"`
					} `json:"card"`
				}
				require.NoError(t, strictDecode(r.body, &body))
				assert.Equal(t, strconv.FormatInt(fixedNow.Unix(), 10), body.Timestamp, "seconds")
				want := base64.StdEncoding.EncodeToString(hmacSHA256(body.Timestamp+"\nfeishu-secret", ""))
				assert.Equal(t, want, body.Sign, "sign is HMAC-SHA256 of nothing keyed by timestamp\\nsecret")
				assert.Equal(t, "interactive", body.MsgType)
				assert.Equal(t, "plain_text", body.Card.Header.Title.Tag)
				assert.Equal(t, "关系预警（2 条）", body.Card.Header.Title.Content)
				assert.Equal(t, "red", body.Card.Header.Template, "a high warning colours the card red")
				require.Len(t, body.Card.Elements, 1)
				assert.Equal(t, "div", body.Card.Elements[0].Tag)
				assert.Equal(t, "lark_md", body.Card.Elements[0].Text.Tag)
				assertReadable(t, body.Card.Elements[0].Text.Content)
				assert.LessOrEqual(t, len(r.body), notify.FeishuBodyLimit)
			},
		},
		{
			name: "generic json signed", kind: notify.JSON, path: "/hooks/guanxi", secret: "json-secret",
			check: func(t *testing.T, r request) {
				ts := r.header.Get(notify.TimestampHeader)
				assert.Equal(t, strconv.FormatInt(fixedNow.Unix(), 10), ts)
				want := "sha256=" + hex.EncodeToString(hmacSHA256("json-secret", ts+"."+string(r.body)))
				assert.Equal(t, want, r.header.Get(notify.SignatureHeader))
				var body struct {
					Events []map[string]any `json:"events"`
				}
				require.NoError(t, json.Unmarshal(r.body, &body))
				require.Len(t, body.Events, 2)
				first := body.Events[0]
				assert.Equal(t, "acct-hd", first["account_id"])
				assert.Equal(t, "overdue_commitment", first["kind"])
				assert.Equal(t, "high", first["severity"])
				assert.Equal(t, "raised", first["status"])
				assert.Equal(t, "华东电力", first["account_name"])
				assert.Equal(t, "【新预警】华东电力 · 承诺逾期", first["title"])
				assert.Len(t, first["evidence"], 4, "the JSON carries all evidence; only the text is cut to three")
				assert.Equal(t, "cleared", body.Events[1]["status"])
				assertReadable(t, first["title"].(string)+"\n"+first["text"].(string)+"\n"+
					body.Events[1]["title"].(string)+"\n"+body.Events[1]["text"].(string))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			w := newWebhook(t, notify.Config{Kind: tt.kind, URL: srv.URL + tt.path, Secret: tt.secret})
			require.NoError(t, w.Notify(context.Background(), sampleEvents()))
			reqs := srv.requests()
			require.Len(t, reqs, 1, "both events fit one message")
			r := reqs[0]
			assert.Equal(t, http.MethodPost, r.method)
			assert.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
			assert.True(t, utf8.Valid(r.body))
			tt.check(t, r)
		})
	}
}

// strictDecode decodes JSON refusing fields the test does not expect, so
// that a payload shape drift is noticed.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func TestSingleEventTitle(t *testing.T) {
	srv := newServer(t)
	w := newWebhook(t, notify.Config{Kind: notify.DingTalk, URL: srv.URL})
	require.NoError(t, w.Notify(context.Background(), sampleEvents()[1:]))
	var body struct {
		Markdown struct{ Title, Text string } `json:"markdown"`
	}
	require.NoError(t, json.Unmarshal(srv.requests()[0].body, &body))
	assert.Equal(t, "【已解除】华东电力 · 客户失联", body.Markdown.Title)
	assert.NotContains(t, body.Markdown.Text, "关系预警（", "a lone warning needs no batch heading")
	assert.Empty(t, srv.requests()[0].query.Get("sign"), "no secret, no signature")
}

// bigEvents are n warnings whose explanations and quotes are far longer
// than any platform takes, in mixed Chinese and English.
func bigEvents(n int) []notify.Event {
	var evs []notify.Event
	for i := range n {
		evs = append(evs, notify.Event{
			Action:      scoring.Raised,
			AccountName: fmt.Sprintf("客户%02d", i),
			Warning: scoring.Warning{
				AccountID: fmt.Sprintf("acct-%02d", i),
				Kind:      scoring.CompetitorThreat,
				Severity:  scoring.SeverityHigh,
				Since:     time.Date(2026, 9, 1, 0, 0, 0, 0, cst),
				Message:   strings.Repeat("客户提到竞品报价低20%，\"决策\"在下周；", 400),
				Evidence: []scoring.Evidence{
					{MessageID: fmt.Sprintf("m-%d", i), Quote: strings.Repeat("友商的方案便宜很多 cheaper ", 40)},
				},
			},
		})
	}
	return evs
}

func TestSizeLimits(t *testing.T) {
	tests := []struct {
		name    string
		kind    notify.Platform
		content func(t *testing.T, body []byte) string
		limit   int
	}{
		{"wecom content", notify.WeCom, func(t *testing.T, body []byte) string {
			var b struct{ Markdown struct{ Content string } }
			require.NoError(t, json.Unmarshal(body, &b))
			return b.Markdown.Content
		}, notify.WeComContentLimit},
		{"dingtalk text", notify.DingTalk, func(t *testing.T, body []byte) string {
			var b struct{ Markdown struct{ Text string } }
			require.NoError(t, json.Unmarshal(body, &b))
			return b.Markdown.Text
		}, notify.DingTalkTextLimit},
		{"feishu body", notify.Feishu, func(t *testing.T, body []byte) string {
			var b struct {
				Card struct {
					Elements []struct{ Text struct{ Content string } }
				}
			}
			require.NoError(t, json.Unmarshal(body, &b))
			require.Len(t, b.Card.Elements, 1)
			return b.Card.Elements[0].Text.Content
		}, notify.FeishuBodyLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			cfg := notify.Config{Kind: tt.kind, URL: srv.URL}
			if tt.kind == notify.Feishu {
				cfg.Secret = "signing adds to the body"
			}
			w := newWebhook(t, cfg)
			evs := bigEvents(12)
			require.NoError(t, w.Notify(context.Background(), evs))
			reqs := srv.requests()
			require.Greater(t, len(reqs), 1, "too much for one message")
			seen := map[string]int{}
			for _, r := range reqs {
				assert.True(t, utf8.Valid(r.body))
				text := tt.content(t, r.body)
				if tt.kind == notify.Feishu {
					assert.LessOrEqual(t, len(r.body), tt.limit)
				} else {
					assert.LessOrEqual(t, len(text), tt.limit)
				}
				assert.True(t, utf8.ValidString(text), "cut between runes")
				assert.Contains(t, text, "…", "a cut is marked")
				for _, e := range evs {
					if strings.Contains(text, "账户："+e.Warning.AccountID) {
						seen[e.AccountName]++
					}
				}
			}
			for _, e := range evs {
				assert.Equal(t, 1, seen[e.AccountName], "every warning is sent exactly once: %s", e.AccountName)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	ok := reply{status: 200, body: `{"errcode":0,"errmsg":"ok"}`}
	tests := []struct {
		name     string
		kind     notify.Platform
		replies  []reply
		attempts int
		wantReqs int
		wantErr  string // empty: success
		wantCode int
	}{
		{name: "500 then ok", kind: notify.WeCom, replies: []reply{{status: 500, body: "oops"}, {status: 502}, ok}, wantReqs: 3},
		{name: "429 with retry-after then ok", kind: notify.DingTalk,
			replies: []reply{{status: 429, header: map[string]string{"Retry-After": "1"}}, ok}, wantReqs: 2},
		{name: "network error then ok", kind: notify.JSON, replies: []reply{{hangUp: true}, {status: 204}}, wantReqs: 2},
		{name: "500 forever is bounded", kind: notify.WeCom, replies: []reply{{status: 500, body: "down"}}, attempts: 3,
			wantReqs: 3, wantErr: "gave up after 3 attempts: wecom webhook answered HTTP 500: down"},
		{name: "one attempt means no retry", kind: notify.JSON, replies: []reply{{status: 503}}, attempts: 1,
			wantReqs: 1, wantErr: "HTTP 503"},
		{name: "400 is not retried", kind: notify.JSON, replies: []reply{{status: 400, body: `bad payload`}},
			wantReqs: 1, wantErr: "json webhook answered HTTP 400: bad payload"},
		{name: "404 is not retried", kind: notify.DingTalk, replies: []reply{{status: 404}}, wantReqs: 1, wantErr: "HTTP 404"},
		{name: "wecom errcode on 200", kind: notify.WeCom, replies: []reply{{status: 200, body: `{"errcode":93000,"errmsg":"invalid webhook url"}`}},
			wantReqs: 1, wantErr: "wecom webhook answered HTTP 200, code 93000: invalid webhook url", wantCode: 93000},
		{name: "wecom rate limit code is retried", kind: notify.WeCom,
			replies: []reply{{status: 200, body: `{"errcode":45009,"errmsg":"api freq out of limit"}`}, ok}, wantReqs: 2},
		{name: "dingtalk errcode on 200", kind: notify.DingTalk, replies: []reply{{status: 200, body: `{"errcode":310000,"errmsg":"sign not match"}`}},
			wantReqs: 1, wantErr: "code 310000: sign not match", wantCode: 310000},
		{name: "dingtalk too fast is retried", kind: notify.DingTalk,
			replies: []reply{{status: 200, body: `{"errcode":130101,"errmsg":"send too fast"}`}, ok}, wantReqs: 2},
		{name: "feishu code on 200", kind: notify.Feishu, replies: []reply{{status: 200, body: `{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}`}},
			wantReqs: 1, wantErr: "feishu webhook answered HTTP 200, code 19021: sign match fail", wantCode: 19021},
		{name: "feishu bad request", kind: notify.Feishu, replies: []reply{{status: 400, body: `{"code":9499,"msg":"Bad Request","data":{}}`}},
			wantReqs: 1, wantErr: "HTTP 400, code 9499: Bad Request", wantCode: 9499},
		{name: "feishu success", kind: notify.Feishu, replies: []reply{{status: 200, body: `{"code":0,"msg":"success","data":{}}`}}, wantReqs: 1},
		{name: "feishu legacy success", kind: notify.Feishu, replies: []reply{{status: 200, body: `{"Extra":null,"StatusCode":0,"StatusMessage":"success"}`}}, wantReqs: 1},
		{name: "robot 200 that is not json", kind: notify.WeCom, replies: []reply{{status: 200, body: `<html>proxy login</html>`}},
			wantReqs: 1, wantErr: "answer is not JSON: <html>proxy login</html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.replies...)
			w := newWebhook(t, notify.Config{Kind: tt.kind, URL: srv.URL, MaxAttempts: tt.attempts},
				notify.WithBackoff(time.Millisecond, 20*time.Millisecond))
			err := w.Notify(context.Background(), sampleEvents())
			assert.Len(t, srv.requests(), tt.wantReqs)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Contains(t, err.Error(), "2 warning(s) not delivered")
			if tt.wantCode != 0 {
				var apiErr *notify.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.wantCode, apiErr.Code)
			}
		})
	}
}

func TestRetryAfterIsCapped(t *testing.T) {
	srv := newServer(t, reply{status: 429, header: map[string]string{"Retry-After": "3600"}}, reply{status: 200})
	w := newWebhook(t, notify.Config{Kind: notify.JSON, URL: srv.URL}, notify.WithBackoff(time.Millisecond, 10*time.Millisecond))
	done := make(chan error, 1)
	go func() { done <- w.Notify(context.Background(), sampleEvents()) }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("an hour's Retry-After was not capped by the maximum backoff")
	}
	assert.Len(t, srv.requests(), 2)
}

func TestCancellation(t *testing.T) {
	t.Run("during a request", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}))
		t.Cleanup(srv.Close)
		t.Cleanup(func() { close(release) })
		w := newWebhook(t, notify.Config{Kind: notify.WeCom, URL: srv.URL})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		err := w.Notify(ctx, sampleEvents())
		require.ErrorIs(t, err, context.Canceled)
		assert.Contains(t, err.Error(), "2 warning(s) not delivered")
	})
	t.Run("during backoff", func(t *testing.T) {
		srv := newServer(t, reply{status: 500})
		w := newWebhook(t, notify.Config{Kind: notify.WeCom, URL: srv.URL, MaxAttempts: 10},
			notify.WithBackoff(time.Hour, time.Hour))
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		err := w.Notify(ctx, sampleEvents())
		require.ErrorIs(t, err, context.Canceled)
		assert.Contains(t, err.Error(), "HTTP 500", "the last failure is kept")
		assert.Len(t, srv.requests(), 1)
	})
	t.Run("before sending", func(t *testing.T) {
		srv := newServer(t)
		w := newWebhook(t, notify.Config{Kind: notify.WeCom, URL: srv.URL})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		require.ErrorIs(t, w.Notify(ctx, sampleEvents()), context.Canceled)
		assert.Empty(t, srv.requests())
	})
}

func TestErrorsHideWebhookKey(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens: every attempt is a network error
	w := newWebhook(t, notify.Config{Kind: notify.WeCom, URL: addr + "/cgi-bin/webhook/send?key=SECRET-KEY-42", MaxAttempts: 2})
	err := w.Notify(context.Background(), sampleEvents())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "gave up after 2 attempts")
	assert.NotContains(t, err.Error(), "SECRET-KEY-42")
	assert.Contains(t, err.Error(), "wecom@127.0.0.1", "named by platform and host")
}

func TestFilters(t *testing.T) {
	warning := func(kind scoring.Kind, sev scoring.Severity) scoring.Warning {
		return scoring.Warning{AccountID: "acct-1", Kind: kind, Severity: sev, Message: "说明"}
	}
	overdueHigh := warning(scoring.OverdueCommitment, scoring.SeverityHigh)
	overdueLow := warning(scoring.OverdueCommitment, scoring.SeverityLow)
	objectionLow := warning(scoring.UnresolvedObjection, scoring.SeverityLow)
	competitorHigh := warning(scoring.CompetitorThreat, scoring.SeverityHigh)

	srv := newServer(t)
	w := newWebhook(t, notify.Config{
		Kind: notify.JSON, URL: srv.URL, MinSeverity: scoring.SeverityMedium,
		Kinds: []scoring.Kind{scoring.OverdueCommitment, scoring.UnresolvedObjection},
	})
	steps := []struct {
		event notify.Event
		sent  bool
	}{
		{notify.Event{Action: scoring.Raised, Warning: objectionLow}, false},   // too mild
		{notify.Event{Action: scoring.Cleared, Warning: objectionLow}, false},  // never seen, so its end is news to no one
		{notify.Event{Action: scoring.Raised, Warning: competitorHigh}, false}, // kind not wanted
		{notify.Event{Action: scoring.Raised, Warning: overdueHigh}, true},
		{notify.Event{Action: scoring.Updated, Warning: overdueLow}, true}, // seen before: the easing is news
		{notify.Event{Action: scoring.Cleared, Warning: overdueLow}, true},
		{notify.Event{Action: scoring.Updated, Warning: overdueLow}, false}, // cleared, so no longer seen
	}
	sent := 0
	for i, s := range steps {
		require.NoError(t, w.Notify(context.Background(), []notify.Event{s.event}))
		if s.sent {
			sent++
		}
		assert.Len(t, srv.requests(), sent, "step %d", i)
	}
}

func TestFailedDeliveryIsNotRemembered(t *testing.T) {
	srv := newServer(t, reply{status: 400}, reply{status: 200})
	w := newWebhook(t, notify.Config{Kind: notify.JSON, URL: srv.URL, MinSeverity: scoring.SeverityHigh})
	high := scoring.Warning{AccountID: "a", Kind: scoring.GoingDark, Severity: scoring.SeverityHigh}
	low := high
	low.Severity = scoring.SeverityLow
	require.Error(t, w.Notify(context.Background(), []notify.Event{{Action: scoring.Raised, Warning: high}}))
	// The raise never arrived, so the low update stays filtered out.
	require.NoError(t, w.Notify(context.Background(), []notify.Event{{Action: scoring.Updated, Warning: low}}))
	assert.Len(t, srv.requests(), 1)
}

func TestNotifierFansOut(t *testing.T) {
	good := newServer(t)
	bad := newServer(t, reply{status: 200, body: `{"errcode":93000,"errmsg":"invalid webhook url"}`})
	feishu := newServer(t)
	n, err := notify.NewNotifier([]notify.Config{
		{Name: "华东销售群", Kind: notify.DingTalk, URL: good.URL},
		{Name: "broken", Kind: notify.WeCom, URL: bad.URL},
		{Name: "管理层", Kind: notify.Feishu, URL: feishu.URL, MinSeverity: scoring.SeverityHigh},
	}, testOptions()...)
	require.NoError(t, err)
	require.Len(t, n.Webhooks(), 3)
	assert.Equal(t, "华东销售群", n.Webhooks()[0].Name())

	err = n.Notify(context.Background(), sampleEvents())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "notify broken: 2 warning(s) not delivered")
	assert.NotContains(t, err.Error(), "华东销售群")
	assert.Len(t, good.requests(), 1)
	assert.Len(t, bad.requests(), 1)
	require.Len(t, feishu.requests(), 1)
	assert.NotContains(t, string(feishu.requests()[0].body), "客户失联", "the medium warning is filtered out for managers")
	assert.Contains(t, string(feishu.requests()[0].body), "承诺逾期")

	_, err = notify.NewNotifier([]notify.Config{{Kind: "slack", URL: good.URL}})
	require.ErrorContains(t, err, `notify webhook #1: notify config "": unknown kind "slack"`)
}

func TestFromChanges(t *testing.T) {
	changes := []scoring.Change{
		{Action: scoring.Raised, Warning: scoring.Warning{AccountID: "acct-1", Kind: scoring.ChampionLeft}},
		{Action: scoring.Cleared, Warning: scoring.Warning{AccountID: "acct-2", Kind: scoring.SingleThreaded}},
	}
	names := map[string]string{"acct-1": "星河医疗"}
	evs := notify.FromChanges(changes, func(id string) string { return names[id] })
	require.Len(t, evs, 2)
	assert.Equal(t, notify.Event{Action: scoring.Raised, Warning: changes[0].Warning, AccountName: "星河医疗"}, evs[0])
	assert.Equal(t, scoring.Cleared, evs[1].Action)
	assert.Empty(t, evs[1].AccountName)
	assert.Len(t, notify.FromChanges(changes, nil), 2)
}

func TestLabels(t *testing.T) {
	want := map[scoring.Kind]string{
		scoring.OverdueCommitment: "承诺逾期", scoring.UnresolvedObjection: "异议未解",
		scoring.CommercialSensitivity: "商务敏感", scoring.TechnicalTrustDecline: "技术信任下滑",
		scoring.EmotionalTrustDecline: "情感信任下滑", scoring.GoingDark: "客户失联",
		scoring.SingleThreaded: "单线联系", scoring.ChampionLeft: "关键人离职", scoring.CompetitorThreat: "竞品威胁",
	}
	for _, k := range scoring.Kinds {
		assert.Equal(t, want[k], notify.KindName(k))
	}
	assert.Equal(t, "已解除", notify.ActionName(scoring.Cleared))
	assert.Equal(t, "中", notify.SeverityName(scoring.SeverityMedium))
}
