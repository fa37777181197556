// Package testcorpus builds a small synthetic corpus of annotated Chinese
// B2B sales sentences, segmented into space-joined words, for the tests and
// benchmarks of the model packages.
//
// Sentences come from templates whose slots are filled from word lists, so
// the corpus is varied yet fully deterministic. Held-out sentences for
// checking predictions are listed separately and never occur in the corpus.
package testcorpus

import (
	"strings"

	"github.com/guanxi-dev/guanxi/models/train"
)

// Labels of the corpus, in the id order train.Train gives them.
var Labels = []string{"none", "commitment", "objection", "pain_point"}

type template struct {
	label string
	text  string // words separated by spaces, slots in braces
}

var slots = map[string][]string{
	"we":         {"我们", "我", "我 这边", "我们 团队", "我们 公司"},
	"time":       {"明天", "下周三", "周五", "月底", "下个 月 初", "本周 内", "后天 上午"},
	"doc":        {"报价单", "合同 草稿", "技术 方案", "测试 报告", "演示 账号", "发票"},
	"person":     {"工程师", "技术 顾问", "项目 经理", "售后 同事"},
	"act":        {"上门 调试", "做 一次 演示", "培训 你们 的 员工", "排查 问题"},
	"priceThing": {"这个 价格", "你们 的 报价", "年费", "实施 费用", "授权 费"},
	"competitor": {"竞品", "友商", "另外 一家", "阿里云"},
	"concern":    {"数据 安全", "稳定性", "售后 响应", "交付 周期"},
	"system":     {"ERP 系统", "CRM", "旧 系统", "财务 软件", "审批 流程"},
	"problem":    {"经常 宕机", "特别 慢", "老是 出错", "数据 对 不 上"},
	"biz":        {"业务", "销售 效率", "月底 结算", "客户 体验"},
	"task":       {"对账", "录 订单", "做 报表", "盘点 库存"},
	"name":       {"张 总", "王 经理", "李 工", "陈 姐", "赵 老师", "孙 主任"},
	"place":      {"三 楼 会议室", "线上", "你们 公司", "我们 办公室", "楼下 咖啡厅"},
	"company":    {"华信 科技", "云启 软件", "联达 集团"},
}

var templates = []template{
	{"commitment", "{we} {time} 前 把 {doc} 发 给 您"},
	{"commitment", "{we} {time} 会 安排 {person} 过去 {act}"},
	{"commitment", "{time} 之前 {we} 一定 把 {doc} 准备 好"},
	{"commitment", "放心 {we} 保证 {time} 给 您 回复"},
	{"objection", "{priceThing} 太 贵 了 超出 了 我们 的 预算"},
	{"objection", "{priceThing} 比 {competitor} 高 太 多 了 我们 很难 接受"},
	{"objection", "我们 对 {concern} 还是 不 太 放心"},
	{"objection", "{priceThing} 领导 肯定 不会 批 的"},
	{"pain_point", "我们 现在 的 {system} {problem} 很 影响 {biz}"},
	{"pain_point", "每个 月 {task} 都 要 花 好几 天 人工 太 累 了"},
	{"pain_point", "{system} {problem} 同事 们 天天 加班"},
	{"pain_point", "最 头疼 的 是 {task} 全靠 手工 经常 出错"},
	{"none", "好的 收到 谢谢 {name}"},
	{"none", "{name} 您好 周末 愉快"},
	{"none", "今天 的 会议 改 到 {place} 了"},
	{"none", "{name} 刚才 的 电话 信号 不 太 好"},
	{"none", "我 先 介绍 一下 今天 参会 的 同事"},
	{"none", "{name} 请问 {place} 怎么 走"},
	{"none", "{name} 您好 我 是 {company} 的 小 刘"},
	{"none", "这 是 {name} 的 微信 您 加 一下"},
}

// Examples returns the corpus: every template with its slots filled in
// several combinations. The "none" label has about twice the examples of
// each other label, as in real conversations.
func Examples() []train.Example {
	var out []train.Example
	for _, t := range templates {
		n := 12
		if t.label == "none" {
			n = 24
		}
		for _, text := range expand(t.text, n) {
			out = append(out, train.Example{Text: text, Label: t.label})
		}
	}
	return out
}

// expand fills the slots of text with up to n distinct combinations, spread
// evenly over all combinations of the slots' words.
func expand(text string, n int) []string {
	var parts []string // literal, slot, literal, slot, …, literal
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			parts = append(parts, text)
			break
		}
		j := strings.IndexByte(text, '}')
		parts = append(parts, text[:i], text[i+1:j])
		text = text[j+1:]
	}
	total := 1
	for k := 1; k < len(parts); k += 2 {
		total *= len(slots[parts[k]])
	}
	n = min(n, total)
	out := make([]string, 0, n)
	for v := range n {
		// Evenly spaced indices into the mixed-radix space of combinations
		// are distinct and vary every slot.
		combo := v * total / n
		var b strings.Builder
		for k, p := range parts {
			if k%2 == 0 {
				b.WriteString(p)
				continue
			}
			words := slots[p]
			b.WriteString(words[combo%len(words)])
			combo /= len(words)
		}
		out = append(out, b.String())
	}
	return out
}

// Obvious lists held-out sentences, none of them in Examples, whose label a
// trained model must get right.
var Obvious = []train.Example{
	{Text: "我们 下周一 前 把 报价单 发 给 您", Label: "commitment"},
	{Text: "放心 我 这边 保证 明天 给 您 回复", Label: "commitment"},
	{Text: "年费 太 贵 了 超出 了 预算", Label: "objection"},
	{Text: "我们 对 数据 安全 不 太 放心", Label: "objection"},
	{Text: "我们 的 ERP 系统 经常 宕机 很 影响 业务", Label: "pain_point"},
	{Text: "每个 月 对账 都 要 花 好几 天 太 累 了", Label: "pain_point"},
	{Text: "好的 收到 谢谢", Label: "none"},
	{Text: "刘 总 您好 周末 愉快", Label: "none"},
}
