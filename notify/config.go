package notify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/guanxi-dev/guanxi/scoring"
)

// Platform names the kind of webhook a Config describes.
type Platform string

// The platforms a Webhook can post to.
const (
	JSON     Platform = "json"     // any receiver of generic JSON
	WeCom    Platform = "wecom"    // 企业微信群机器人
	DingTalk Platform = "dingtalk" // 钉钉自定义机器人
	Feishu   Platform = "feishu"   // 飞书/Lark 自定义机器人
)

// Platforms lists every platform.
var Platforms = []Platform{JSON, WeCom, DingTalk, Feishu}

// Defaults of a Config's optional fields.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultMaxAttempts = 4
)

// Config describes one webhook. It reads from JSON, e.g.
//
//	{"name": "华东销售群", "kind": "dingtalk",
//	 "url": "https://oapi.dingtalk.com/robot/send?access_token=…",
//	 "secret": "SEC…", "min_severity": "medium",
//	 "kinds": ["overdue_commitment", "champion_left"]}
type Config struct {
	// Name identifies the webhook in logs and errors; it defaults to the
	// platform and host, never the full URL, which often holds a key.
	Name string `json:"name,omitempty"`
	// Kind is the platform: json, wecom, dingtalk or feishu.
	Kind Platform `json:"kind"`
	// URL is the webhook address as the platform gives it.
	URL string `json:"url"`
	// Secret signs requests: DingTalk's and Feishu's 加签 secret, or for
	// json an HMAC-SHA256 key (see SignatureHeader). WeCom robots have
	// none.
	Secret string `json:"secret,omitempty"`
	// MinSeverity drops warnings milder than it; empty lets all through.
	MinSeverity scoring.Severity `json:"min_severity,omitempty"`
	// Kinds, when not empty, lets only these warning kinds through.
	Kinds []scoring.Kind `json:"kinds,omitempty"`
	// Timeout bounds each HTTP request; zero means DefaultTimeout.
	Timeout Duration `json:"timeout,omitempty"`
	// MaxAttempts bounds the tries of one message, the first included;
	// zero means DefaultMaxAttempts, 1 turns retries off.
	MaxAttempts int `json:"max_attempts,omitempty"`
}

// Validate reports the first thing wrong with c.
func (c Config) Validate() error {
	if !slices.Contains(Platforms, c.Kind) {
		return fmt.Errorf("notify config %q: unknown kind %q (want one of json, wecom, dingtalk, feishu)", c.Name, c.Kind)
	}
	if c.URL == "" {
		return fmt.Errorf("notify config %q: url is required", c.Name)
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		return fmt.Errorf("notify config %q: bad url: %w", c.Name, redactURLError(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("notify config %q: url must be an absolute http or https address", c.Name)
	}
	if c.Kind == WeCom && c.Secret != "" {
		return fmt.Errorf("notify config %q: wecom robots do not sign requests; leave secret empty", c.Name)
	}
	switch c.MinSeverity {
	case "", scoring.SeverityLow, scoring.SeverityMedium, scoring.SeverityHigh:
	default:
		return fmt.Errorf("notify config %q: unknown min_severity %q (want low, medium or high)", c.Name, c.MinSeverity)
	}
	for _, k := range c.Kinds {
		if !slices.Contains(scoring.Kinds, k) {
			return fmt.Errorf("notify config %q: unknown warning kind %q", c.Name, k)
		}
	}
	if c.Timeout < 0 {
		return fmt.Errorf("notify config %q: negative timeout %s", c.Name, time.Duration(c.Timeout))
	}
	if c.MaxAttempts < 0 {
		return fmt.Errorf("notify config %q: negative max_attempts %d", c.Name, c.MaxAttempts)
	}
	return nil
}

// displayName is c.Name or, failing that, the platform and host.
func (c Config) displayName() string {
	if c.Name != "" {
		return c.Name
	}
	if u, err := url.Parse(c.URL); err == nil && u.Host != "" {
		return string(c.Kind) + "@" + u.Host
	}
	return string(c.Kind)
}

// redactURLError drops the address from a url parse error, since webhook
// addresses carry keys.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// ParseConfigs reads webhook configs from JSON: one object or an array of
// them. Unknown fields are an error, so that a misspelt option is not
// silently ignored. Every config is validated.
func ParseConfigs(data []byte) ([]Config, error) {
	data = bytes.TrimSpace(data)
	var cfgs []Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	switch {
	case len(data) == 0:
		return nil, errors.New("parse notify config: empty")
	case data[0] == '[':
		if err := dec.Decode(&cfgs); err != nil {
			return nil, fmt.Errorf("parse notify config: %w", err)
		}
	default:
		var c Config
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("parse notify config: %w", err)
		}
		cfgs = []Config{c}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("parse notify config: trailing data after the JSON value")
	}
	for i, c := range cfgs {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("notify config #%d: %w", i+1, err)
		}
	}
	return cfgs, nil
}

// LoadConfigs reads webhook configs from a JSON file (see ParseConfigs).
func LoadConfigs(path string) ([]Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load notify config: %w", err)
	}
	cfgs, err := ParseConfigs(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfgs, nil
}

// Configs is a flag.Value that collects webhook configs, one or more per
// use of the flag. A value is one of:
//
//	kind:url             e.g. wecom:https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…
//	{…} or […]           a JSON config or array (see Config)
//	@path                a JSON file of configs
type Configs []Config

// ConfigsUsage describes the values Configs accepts, for flag help.
const ConfigsUsage = "warning webhook, repeatable: kind:url (kind is json, wecom, dingtalk or feishu), a JSON config, or @file.json"

// String lists the configured webhooks by name; it shows no URL or secret.
func (cs *Configs) String() string {
	if cs == nil {
		return ""
	}
	names := make([]string, len(*cs))
	for i, c := range *cs {
		names[i] = c.displayName()
	}
	return strings.Join(names, ",")
}

// Set parses one flag value and appends what it describes.
func (cs *Configs) Set(v string) error {
	v = strings.TrimSpace(v)
	var add []Config
	var err error
	switch {
	case strings.HasPrefix(v, "@"):
		add, err = LoadConfigs(v[1:])
	case strings.HasPrefix(v, "{") || strings.HasPrefix(v, "["):
		add, err = ParseConfigs([]byte(v))
	default:
		kind, u, ok := strings.Cut(v, ":")
		if !ok || !slices.Contains(Platforms, Platform(kind)) {
			return fmt.Errorf("notify webhook %q: want kind:url with kind one of json, wecom, dingtalk, feishu", truncate(v, 16, runeCount))
		}
		c := Config{Kind: Platform(kind), URL: u}
		if err = c.Validate(); err == nil {
			add = []Config{c}
		}
	}
	if err != nil {
		return err
	}
	*cs = append(*cs, add...)
	return nil
}

// Duration is a time.Duration that reads from JSON as a string such as
// "10s" or as a number of seconds.
type Duration time.Duration

// MarshalJSON writes the duration as a string such as "10s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads "1m30s" or 90 (seconds).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("bad duration %q: %w", s, err)
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return fmt.Errorf("bad duration %s: want a string such as \"10s\" or a number of seconds", b)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}
