package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/guanxi-dev/guanxi/notify"
	"github.com/guanxi-dev/guanxi/scoring"
)

// A WeCom robot receives one markdown message per batch of warnings.
func ExampleWebhook_Notify() {
	robot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Markdown struct{ Content string } `json:"markdown"`
		}
		data, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(data, &body)
		fmt.Println(body.Markdown.Content)
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	defer robot.Close()

	hook, err := notify.New(notify.Config{Kind: notify.WeCom, URL: robot.URL + "/cgi-bin/webhook/send?key=KEY"})
	if err != nil {
		panic(err)
	}
	changes := []scoring.Change{{
		Action: scoring.Raised,
		Warning: scoring.Warning{
			AccountID: "acct-hd",
			Kind:      scoring.OverdueCommitment,
			Severity:  scoring.SeverityHigh,
			Since:     time.Date(2026, 10, 8, 16, 0, 0, 0, time.UTC),
			Message:   "我方承诺10月8日前提交测试报告，已逾期4天。建议今天致电客户说明进度。",
			Evidence: []scoring.Evidence{
				{MessageID: "msg-101", Quote: "下周三之前我们把测试报告发给您。"},
			},
		},
	}}
	events := notify.FromChanges(changes, func(string) string { return "华东电力" })
	if err := hook.Notify(context.Background(), events); err != nil {
		panic(err)
	}
	// Output:
	// ### 【新预警】华东电力 · 承诺逾期
	// 严重程度：<font color="warning">高</font>｜开始于：2026-10-09｜账户：acct-hd
	// 我方承诺10月8日前提交测试报告，已逾期4天。建议今天致电客户说明进度。
	// > “下周三之前我们把测试报告发给您。”（msg-101）
}
