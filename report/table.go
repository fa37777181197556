// Package report renders account scores and warnings for people: the
// terminal table a sales manager reads after a run.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/guanxi-dev/guanxi/scoring"
)

// Account is one row: an account's name, its score and active warnings.
type Account struct {
	Name     string
	Score    scoring.Score
	Warnings []scoring.Warning
}

// kindNames are the short Chinese labels of warning kinds in the table.
var kindNames = map[scoring.Kind]string{
	scoring.OverdueCommitment:     "承诺逾期",
	scoring.UnresolvedObjection:   "异议未解",
	scoring.CommercialSensitivity: "商务敏感",
	scoring.TechnicalTrustDecline: "技术信任下滑",
	scoring.EmotionalTrustDecline: "情感信任下滑",
	scoring.GoingDark:             "客户失联",
	scoring.SingleThreaded:        "单线联系",
	scoring.ChampionLeft:          "关键人离职",
	scoring.CompetitorThreat:      "竞品威胁",
}

// KindName is the Chinese label of a warning kind.
func KindName(k scoring.Kind) string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return string(k)
}

// WriteTable prints one line per account, riskiest first (at risk, then by
// lowest trust), then the explanation of every warning. Columns are
// aligned by display width, so Chinese names line up.
func WriteTable(w io.Writer, rows []Account) error {
	rows = append([]Account(nil), rows...)
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Score.AtRisk != rows[j].Score.AtRisk {
			return rows[i].Score.AtRisk
		}
		return minTrust(rows[i].Score) < minTrust(rows[j].Score)
	})
	header := []string{"客户", "账户ID", "技术信任", "商务信任", "情感信任", "风险", "预警"}
	table := [][]string{header}
	for _, r := range rows {
		risk := "正常"
		if r.Score.AtRisk {
			risk = "⚠ 有风险"
		}
		var kinds []string
		for _, wn := range r.Warnings {
			kinds = append(kinds, KindName(wn.Kind))
		}
		table = append(table, []string{
			r.Name, r.Score.AccountID,
			fmt.Sprintf("%.1f", r.Score.Technical),
			fmt.Sprintf("%.1f", r.Score.Commercial),
			fmt.Sprintf("%.1f", r.Score.Emotional),
			risk, strings.Join(kinds, "、"),
		})
	}
	var b strings.Builder
	WriteAligned(&b, table)
	for _, r := range rows {
		if len(r.Warnings) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n【%s】\n", r.Name)
		for _, wn := range r.Warnings {
			fmt.Fprintf(&b, "  · %s（%s，自 %s）%s\n", KindName(wn.Kind), SeverityName(wn.Severity), wn.Since.Format("2006-01-02"), wn.Message)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteAligned writes rows as columns padded to their display width, so
// Chinese and Latin text line up; the first row is a header ruled off from
// the rest, and the last cell of a row is not padded.
func WriteAligned(b *strings.Builder, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], runewidth.StringWidth(cell))
			}
		}
	}
	for n, row := range rows {
		for i, cell := range row {
			if i > 0 {
				b.WriteString("  ")
			}
			if i == len(row)-1 || i >= len(widths) {
				b.WriteString(cell)
				continue
			}
			b.WriteString(runewidth.FillRight(cell, widths[i]))
		}
		b.WriteString("\n")
		if n == 0 {
			total := 2 * (len(widths) - 1)
			for _, wd := range widths {
				total += wd
			}
			b.WriteString(strings.Repeat("─", total) + "\n")
		}
	}
}

// SeverityName is the Chinese label of a severity: 高, 中 or 低.
func SeverityName(s scoring.Severity) string {
	switch s {
	case scoring.SeverityHigh:
		return "高"
	case scoring.SeverityMedium:
		return "中"
	case scoring.SeverityLow:
		return "低"
	}
	return string(s)
}

func minTrust(s scoring.Score) float64 {
	return min(s.Technical, s.Commercial, s.Emotional)
}
