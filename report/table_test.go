package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/scoring"
)

func TestWriteTable(t *testing.T) {
	since := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	rows := []Account{
		{Name: "华康医疗", Score: scoring.Score{AccountID: "hk", Technical: 70, Commercial: 65, Emotional: 72}},
		{Name: "Acme 制造", Score: scoring.Score{AccountID: "acme", Technical: 40, Commercial: 35, Emotional: 50, AtRisk: true},
			Warnings: []scoring.Warning{{Kind: scoring.OverdueCommitment, Severity: scoring.SeverityHigh, Since: since, Message: "测试报告已逾期。"}}},
	}
	var buf bytes.Buffer
	require.NoError(t, WriteTable(&buf, rows))
	out := buf.String()
	lines := strings.Split(out, "\n")
	// The riskiest account comes first, right under the header and rule.
	assert.Contains(t, lines[2], "Acme 制造")
	assert.Contains(t, lines[2], "承诺逾期")
	assert.Contains(t, lines[3], "华康医疗")
	// Columns line up by display width, not by bytes or runes.
	col := func(line, cell string) int { return runewidth.StringWidth(line[:strings.Index(line, cell)]) }
	assert.Equal(t, col(lines[2], "acme"), col(lines[3], "hk"))
	assert.Contains(t, out, "【Acme 制造】")
	assert.Contains(t, out, "承诺逾期（高，自 2026-10-01）测试报告已逾期。")
}
