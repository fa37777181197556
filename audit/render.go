package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/guanxi-dev/guanxi/report"
	"github.com/guanxi-dev/guanxi/scoring"
)

// Formats WriteTo accepts.
const (
	FormatTable = "table"
	FormatJSON  = "json"
	FormatHTML  = "html"
)

// Write renders r in format: FormatTable, FormatJSON or FormatHTML.
func Write(w io.Writer, r Report, format string) error {
	switch format {
	case FormatTable, "":
		return WriteTable(w, r)
	case FormatJSON:
		return WriteJSON(w, r)
	case FormatHTML:
		return WriteHTML(w, r)
	}
	return fmt.Errorf("audit: unknown format %q (want table, json or html)", format)
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("audit: write json: %w", err)
	}
	return nil
}

var balanceNames = map[Balance]string{Balanced: "均衡", Uneven: "略失衡", Lopsided: "明显失衡"}

// BalanceName is the Chinese name of a balance grade.
func BalanceName(b Balance) string {
	if n, ok := balanceNames[b]; ok {
		return n
	}
	return string(b)
}

func dimList(ds []scoring.Dimension) string {
	var names []string
	for _, d := range ds {
		names = append(names, DimensionName(d))
	}
	if len(names) == 0 {
		return "无"
	}
	return strings.Join(names, "、")
}

func warningList(ws []scoring.Warning) string {
	var names []string
	for _, w := range ws {
		names = append(names, report.KindName(w.Kind))
	}
	return strings.Join(names, "、")
}

// trendText is a signed change such as "+3.2" or "-8.0"; ASCII signs keep
// the display width the same in every terminal.
func trendText(x float64) string {
	if x == 0 {
		return "±0"
	}
	return fmt.Sprintf("%+.1f", x)
}

// summaryLine sums the audit up in one Chinese sentence.
func summaryLine(r Report) string {
	s := r.Summary
	line := fmt.Sprintf("抽样 %d/%d 个客户（比例 %g，种子 %d），有风险 %d 个", s.Sampled, s.Total, r.Fraction, r.Seed, s.AtRisk)
	if s.MostCommonWeak != "" {
		n := s.WeakSpots[s.MostCommonWeak]
		what := "薄弱"
		if n == 0 {
			n, what = s.Weakest[s.MostCommonWeak], "最弱"
		}
		line += fmt.Sprintf("，最常见的薄弱维度：%s信任（%d 个客户%s）", DimensionName(s.MostCommonWeak), n, what)
	}
	return line + "。"
}

// WriteTable prints the summary, one row per account aligned by display
// width, then each account's advice.
func WriteTable(w io.Writer, r Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "关系健康审计（截至 %s）\n%s\n\n", r.AsOf.In(scoring.DefaultConfig().Location).Format("2006-01-02"), summaryLine(r))
	header := []string{"客户", "账户ID", "技术信任", "商务信任", "情感信任", "最弱", "差距", "均衡度", "薄弱项", "风险", "预警"}
	table := [][]string{header}
	for _, a := range r.Accounts {
		row := []string{a.Name, a.AccountID}
		for _, d := range a.Dimensions {
			row = append(row, fmt.Sprintf("%.1f (%s)", d.Score, trendText(d.Trend)))
		}
		risk := "正常"
		if a.AtRisk {
			risk = "有风险"
		}
		row = append(row, DimensionName(a.Weakest), fmt.Sprintf("%.1f", a.Spread), BalanceName(a.Balance),
			dimList(a.WeakSpots), risk, warningList(a.Warnings))
		table = append(table, row)
	}
	report.WriteAligned(&b, table)
	b.WriteString("（括号内为近 30 天变化）\n")
	for _, a := range r.Accounts {
		if len(a.Advice) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n【%s】\n", a.Name)
		for i, adv := range a.Advice {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, adv.Text)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("audit: write table: %w", err)
	}
	return nil
}
