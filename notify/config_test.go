package notify_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/notify"
	"github.com/guanxi-dev/guanxi/scoring"
)

func TestParseConfigs(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []notify.Config
		wantErr string
	}{
		{
			name: "one object",
			in:   `{"name":"华东销售群","kind":"dingtalk","url":"https://oapi.dingtalk.com/robot/send?access_token=t","secret":"SECx","min_severity":"medium","kinds":["overdue_commitment","champion_left"],"timeout":"5s","max_attempts":2}`,
			want: []notify.Config{{
				Name: "华东销售群", Kind: notify.DingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=t",
				Secret: "SECx", MinSeverity: scoring.SeverityMedium,
				Kinds:   []scoring.Kind{scoring.OverdueCommitment, scoring.ChampionLeft},
				Timeout: notify.Duration(5 * time.Second), MaxAttempts: 2,
			}},
		},
		{
			name: "array, timeout in seconds",
			in:   `[{"kind":"wecom","url":"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},{"kind":"json","url":"http://127.0.0.1:9000/hook","timeout":1.5}]`,
			want: []notify.Config{
				{Kind: notify.WeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
				{Kind: notify.JSON, URL: "http://127.0.0.1:9000/hook", Timeout: notify.Duration(1500 * time.Millisecond)},
			},
		},
		{name: "empty", in: "  ", wantErr: "empty"},
		{name: "unknown field", in: `{"kind":"wecom","url":"https://x","severity":"high"}`, wantErr: `unknown field "severity"`},
		{name: "unknown kind", in: `{"kind":"slack","url":"https://x"}`, wantErr: `unknown kind "slack"`},
		{name: "missing url", in: `{"kind":"feishu"}`, wantErr: "url is required"},
		{name: "relative url", in: `{"kind":"json","url":"/hook"}`, wantErr: "absolute http or https"},
		{name: "wrong scheme", in: `{"kind":"json","url":"ftp://host/x"}`, wantErr: "absolute http or https"},
		{name: "wecom has no secret", in: `{"kind":"wecom","url":"https://x","secret":"s"}`, wantErr: "leave secret empty"},
		{name: "bad severity", in: `{"kind":"json","url":"https://x","min_severity":"严重"}`, wantErr: `unknown min_severity "严重"`},
		{name: "bad warning kind", in: `{"kind":"json","url":"https://x","kinds":["late"]}`, wantErr: `unknown warning kind "late"`},
		{name: "bad duration", in: `{"kind":"json","url":"https://x","timeout":"soon"}`, wantErr: `bad duration "soon"`},
		{name: "negative attempts", in: `{"kind":"json","url":"https://x","max_attempts":-1}`, wantErr: "negative max_attempts"},
		{name: "second config is bad", in: `[{"kind":"json","url":"https://x"},{"kind":"json"}]`, wantErr: "notify config #2"},
		{name: "trailing data", in: `{"kind":"json","url":"https://x"} {}`, wantErr: "trailing data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := notify.ParseConfigs([]byte(tt.in))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestConfigsFlag(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hooks.json")
	require.NoError(t, os.WriteFile(file, []byte(`[{"name":"管理层","kind":"feishu","url":"https://open.feishu.cn/open-apis/bot/v2/hook/abc","secret":"s"}]`), 0o600))

	var cfgs notify.Configs
	fs := flag.NewFlagSet("guanxi", flag.ContinueOnError)
	fs.Var(&cfgs, "notify", notify.ConfigsUsage)
	require.NoError(t, fs.Parse([]string{
		"-notify", "wecom:https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
		"-notify", `{"kind":"json","url":"http://127.0.0.1:8080/w","min_severity":"high"}`,
		"-notify", "@" + file,
	}))
	require.Len(t, cfgs, 3)
	assert.Equal(t, notify.Config{Kind: notify.WeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, cfgs[0])
	assert.Equal(t, scoring.SeverityHigh, cfgs[1].MinSeverity)
	assert.Equal(t, "管理层", cfgs[2].Name)
	assert.Equal(t, "wecom@qyapi.weixin.qq.com,json@127.0.0.1:8080,管理层", cfgs.String(), "names only, never keys")

	for _, bad := range []struct{ in, wantErr string }{
		{"slack:https://hooks.slack.com/x", "want kind:url"},
		{"https://example.com/hook", "want kind:url"},
		{"dingtalk:not a url", "absolute http or https"},
		{"@" + filepath.Join(dir, "missing.json"), "load notify config"},
		{`{"kind":"json"}`, "url is required"},
	} {
		var c notify.Configs
		assert.ErrorContains(t, c.Set(bad.in), bad.wantErr, bad.in)
		assert.Empty(t, c)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	_, err := notify.New(notify.Config{Kind: notify.Feishu, URL: "https://open.feishu.cn/x", MinSeverity: "critical"})
	require.ErrorContains(t, err, `unknown min_severity "critical"`)
}
