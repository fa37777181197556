package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/guanxi-dev/guanxi/scoring"
)

// Headers of a signed generic JSON request.
const (
	// TimestampHeader carries the Unix time in seconds the request was
	// signed at.
	TimestampHeader = "X-Guanxi-Timestamp"
	// SignatureHeader carries "sha256=" and the hex HMAC-SHA256, keyed
	// with the secret, of the timestamp, a dot and the body.
	SignatureHeader = "X-Guanxi-Signature"
)

// maxErrorBody bounds how much of a response is read and quoted in errors.
const maxErrorBody = 64 << 10

// Webhook posts warning events to one webhook. It remembers which warnings
// it delivered, so that once a manager has seen a warning, its updates and
// its clearing reach them even when they fall below the severity filter.
// A Webhook is safe for concurrent use.
type Webhook struct {
	cfg         Config
	name        string
	client      *http.Client
	format      formatter
	maxAttempts int
	backoff     time.Duration
	maxBackoff  time.Duration
	now         func() time.Time
	log         *slog.Logger

	mu        sync.Mutex
	delivered map[string]bool // event keys whose warning the receiver has seen
}

// Option adjusts a Webhook.
type Option func(*options)

type options struct {
	client     *http.Client
	backoff    time.Duration
	maxBackoff time.Duration
	now        func() time.Time
	log        *slog.Logger
	loc        *time.Location
}

// WithHTTPClient makes the webhook use c instead of a client of its own
// with the config's timeout.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.client = c } }

// WithBackoff sets the wait before the first retry and the cap on any
// wait; each retry waits about twice the one before. The defaults are
// 500ms and 10s.
func WithBackoff(first, max time.Duration) Option {
	return func(o *options) { o.backoff, o.maxBackoff = first, max }
}

// WithClock sets the clock that request signatures are timed by.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithLogger sets where retries and failures are logged.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithLocation sets the zone dates are shown in; the default is China
// Standard Time.
func WithLocation(loc *time.Location) Option { return func(o *options) { o.loc = loc } }

// New returns a Webhook for cfg.
func New(cfg Config, opts ...Option) (*Webhook, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	o := options{backoff: 500 * time.Millisecond, maxBackoff: 10 * time.Second, now: time.Now, log: slog.Default(), loc: chinaTime}
	for _, opt := range opts {
		opt(&o)
	}
	if o.client == nil {
		timeout := time.Duration(cfg.Timeout)
		if timeout == 0 {
			timeout = DefaultTimeout
		}
		o.client = &http.Client{Timeout: timeout}
	}
	w := &Webhook{
		cfg:         cfg,
		name:        cfg.displayName(),
		client:      o.client,
		maxAttempts: cfg.MaxAttempts,
		backoff:     o.backoff,
		maxBackoff:  max(o.maxBackoff, o.backoff),
		now:         o.now,
		log:         o.log,
		delivered:   map[string]bool{},
	}
	if w.maxAttempts == 0 {
		w.maxAttempts = DefaultMaxAttempts
	}
	switch cfg.Kind {
	case WeCom:
		w.format = wecomFormat{loc: o.loc}
	case DingTalk:
		w.format = dingTalkFormat{loc: o.loc}
	case Feishu:
		w.format = feishuFormat{loc: o.loc, secret: cfg.Secret}
	default:
		w.format = jsonFormat{loc: o.loc}
	}
	return w, nil
}

// Name identifies the webhook in logs and errors.
func (w *Webhook) Name() string { return w.name }

// Notify delivers the events that pass the webhook's filter, packing as
// many as fit into each message. It tries every message even when one
// fails, and returns an error naming how many warnings were not delivered
// and why. A receiver may see a message twice when an answer is lost in
// transit and the message is sent again.
func (w *Webhook) Notify(ctx context.Context, events []Event) error {
	evs := w.selectEvents(events)
	if len(evs) == 0 {
		return nil
	}
	msgs, err := w.format.format(evs, w.now())
	if err != nil {
		return fmt.Errorf("notify %s: %w", w.name, err)
	}
	var errs []error
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			n := 0
			for _, rest := range msgs[i:] {
				n += len(rest.events)
			}
			errs = append(errs, fmt.Errorf("notify %s: %d warning(s) not delivered: %w", w.name, n, err))
			break
		}
		if err := w.deliver(ctx, m.body); err != nil {
			w.log.LogAttrs(ctx, slog.LevelError, "warning webhook failed",
				slog.String("webhook", w.name), slog.Int("warnings", len(m.events)), slog.Any("err", err))
			errs = append(errs, fmt.Errorf("notify %s: %d warning(s) not delivered: %w", w.name, len(m.events), err))
			continue
		}
		w.markDelivered(m.events)
	}
	return errors.Join(errs...)
}

// selectEvents keeps the events that pass the severity and kind filters,
// and any update or clearing of a warning this webhook already delivered.
func (w *Webhook) selectEvents(events []Event) []Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []Event
	for _, e := range events {
		if w.passes(e.Warning) || e.Action != scoring.Raised && w.delivered[e.key()] {
			out = append(out, e)
		}
	}
	return out
}

func (w *Webhook) passes(wn scoring.Warning) bool {
	if len(w.cfg.Kinds) > 0 && !slices.Contains(w.cfg.Kinds, wn.Kind) {
		return false
	}
	return w.cfg.MinSeverity == "" || severityRank(wn.Severity) >= severityRank(w.cfg.MinSeverity)
}

func (w *Webhook) markDelivered(evs []Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range evs {
		if e.Action == scoring.Cleared {
			delete(w.delivered, e.key())
		} else {
			w.delivered[e.key()] = true
		}
	}
}

// deliver posts one body, retrying on network errors, 5xx, 429 and the
// platforms' rate-limit codes, at most maxAttempts times in all.
func (w *Webhook) deliver(ctx context.Context, body []byte) error {
	for attempt := 1; ; attempt++ {
		wait, err := w.post(ctx, body)
		if err == nil {
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if !retryable(err) {
			return err
		}
		if attempt >= w.maxAttempts {
			return fmt.Errorf("gave up after %d attempts: %w", attempt, err)
		}
		if wait <= 0 {
			wait = w.backoffFor(attempt)
		}
		wait = min(wait, w.maxBackoff)
		w.log.LogAttrs(ctx, slog.LevelWarn, "warning webhook retry",
			slog.String("webhook", w.name), slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.Any("err", err))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-t.C:
		}
	}
}

// backoffFor is the wait after the given failed attempt: doubling from the
// first backoff, capped, with jitter so that several webhooks failing
// together do not retry in step.
func (w *Webhook) backoffFor(attempt int) time.Duration {
	d := w.backoff << (attempt - 1)
	if d <= 0 || d > w.maxBackoff {
		d = w.maxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// post sends body once. It returns how long the server asked to wait
// before trying again, if it did.
func (w *Webhook) post(ctx context.Context, body []byte) (time.Duration, error) {
	target := w.cfg.URL
	if w.cfg.Kind == DingTalk && w.cfg.Secret != "" {
		// DingTalk checks that the timestamp is within an hour, so each
		// attempt is signed afresh.
		var err error
		if target, err = dingTalkSignedURL(target, w.cfg.Secret, w.now()); err != nil {
			return 0, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", redactURLError(err))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "guanxi-notify/1")
	if w.cfg.Kind == JSON && w.cfg.Secret != "" {
		ts, sig := jsonSign(w.cfg.Secret, w.now(), body)
		req.Header.Set(TimestampHeader, ts)
		req.Header.Set(SignatureHeader, sig)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, &networkError{err: redactURLError(err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		return 0, &networkError{err: fmt.Errorf("read response: %w", redactURLError(err))}
	}
	// Drain what is left so the connection can be reused.
	_, _ = io.Copy(io.Discard, resp.Body)
	apiErr := checkResponse(w.cfg.Kind, resp.StatusCode, data)
	if apiErr == nil {
		return 0, nil
	}
	return retryAfter(resp.Header.Get("Retry-After"), w.now()), apiErr
}

// networkError is a failure to get an answer at all; always retried.
type networkError struct{ err error }

func (e *networkError) Error() string { return e.err.Error() }
func (e *networkError) Unwrap() error { return e.err }

// APIError is a webhook's refusal: an HTTP error status, or an HTTP 200
// whose body carries a non-zero error code (WeCom and DingTalk errcode,
// Feishu code).
type APIError struct {
	Platform   Platform
	StatusCode int    // HTTP status
	Code       int    // the platform's error code; 0 when it gave none
	Message    string // the platform's error message, or the start of the body
}

// Error describes the refusal with the platform's code and message.
func (e *APIError) Error() string {
	s := fmt.Sprintf("%s webhook answered HTTP %d", e.Platform, e.StatusCode)
	if e.Code != 0 {
		s += fmt.Sprintf(", code %d", e.Code)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Temporary reports whether trying again later may succeed: server errors,
// rate limiting, and the platforms' own rate-limit codes.
func (e *APIError) Temporary() bool {
	if e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests {
		return true
	}
	return slices.Contains(rateLimitCodes[e.Platform], e.Code)
}

// rateLimitCodes are the error codes with which platforms say "too many
// messages, slow down", answered with HTTP 200.
var rateLimitCodes = map[Platform][]int{
	WeCom:    {45009},  // 接口调用超过限制 (20 messages a minute)
	DingTalk: {130101}, // send too fast (20 messages a minute)
	Feishu:   {11232},  // frequency limited
}

func retryable(err error) bool {
	var ne *networkError
	if errors.As(err, &ne) {
		return true
	}
	var ae *APIError
	return errors.As(err, &ae) && ae.Temporary()
}

// platformReply is the union of the platforms' answer bodies.
type platformReply struct {
	ErrCode *int   `json:"errcode"` // WeCom, DingTalk
	ErrMsg  string `json:"errmsg"`
	Code    *int   `json:"code"` // Feishu
	Msg     string `json:"msg"`
	// Older Feishu webhooks answer with these instead.
	StatusCode    *int   `json:"StatusCode"`
	StatusMessage string `json:"StatusMessage"`
}

// checkResponse turns an answer into nil or an *APIError. The robots
// answer HTTP 200 with an error code in the body, so a 200 from them
// without a zero code is not taken as success.
func checkResponse(p Platform, status int, data []byte) error {
	var r platformReply
	parsed := json.Unmarshal(data, &r) == nil
	code, msg, hasCode := 0, "", false
	switch {
	case r.ErrCode != nil:
		code, msg, hasCode = *r.ErrCode, r.ErrMsg, true
	case r.Code != nil:
		code, msg, hasCode = *r.Code, r.Msg, true
	case r.StatusCode != nil:
		code, msg, hasCode = *r.StatusCode, r.StatusMessage, true
	}
	ok := status >= 200 && status < 300
	if ok && p == JSON {
		return nil
	}
	if ok && hasCode && code == 0 {
		return nil
	}
	e := &APIError{Platform: p, StatusCode: status, Code: code, Message: msg}
	if ok && !hasCode {
		e.Message = "answer without an error code: " + snippet(data)
		if !parsed {
			e.Message = "answer is not JSON: " + snippet(data)
		}
	} else if e.Message == "" {
		e.Message = snippet(data)
	}
	return e
}

// snippet is the start of a body for an error message, cut between runes.
func snippet(data []byte) string {
	return truncate(clean(string(data)), 200, runeCount)
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(h); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return t.Sub(now)
	}
	return 0
}

// dingTalkSignedURL adds DingTalk's timestamp (milliseconds) and sign
// (base64 HMAC-SHA256 of "timestamp\nsecret", keyed with the secret) to the
// robot URL; url.Values encodes sign for the query.
func dingTalkSignedURL(raw, secret string, now time.Time) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("parse dingtalk url: %w", redactURLError(err))
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// feishuSign returns Feishu's timestamp (seconds) and sign: the base64
// HMAC-SHA256 of an empty message keyed with "timestamp\nsecret".
func feishuSign(secret string, now time.Time) (timestamp, sign string) {
	ts := strconv.FormatInt(now.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(ts+"\n"+secret))
	return ts, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// jsonSign signs a generic JSON body: the timestamp (seconds) and
// "sha256=" with the hex HMAC-SHA256 of "timestamp.body". Binding the
// timestamp lets receivers refuse replays.
func jsonSign(secret string, now time.Time, body []byte) (timestamp, signature string) {
	ts := strconv.FormatInt(now.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return ts, "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
