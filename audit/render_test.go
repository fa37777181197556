package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/ingest"
)

// hostile is an account whose name tries to inject markup.
func hostile() []fixture {
	acc := ingest.Account{ID: "EVIL", Name: `<script>alert("x")</script>&公司`}
	c := ingest.Participant{ID: "evil-c", Name: "<b>吴</b>", Side: ingest.SideCustomer, Title: "经理"}
	return []fixture{{msg: email("evil-001", acc, at(10, 1), c, rep, "<img src=x onerror=alert(1)>", "你好。")}}
}

func fullReport(t *testing.T) Report {
	t.Helper()
	s := openStore(t, histories(t), hostile())
	r, err := Run(context.Background(), s, Options{Fraction: 1, Seed: 1, AsOf: asOf})
	require.NoError(t, err)
	return r
}

func TestWriteJSON(t *testing.T) {
	r := fullReport(t)
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, r, FormatJSON))

	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		return out
	}
	assert.ElementsMatch(t, []string{"as_of", "seed", "fraction", "summary", "accounts"}, keys(got))
	summary := got["summary"].(map[string]any)
	assert.ElementsMatch(t, []string{"total_accounts", "sampled", "at_risk", "weakest_counts", "weak_spot_counts", "most_common_weak"}, keys(summary))
	assert.Equal(t, map[string]any{"technical": 1.0, "commercial": 1.0, "emotional": 0.0}, summary["weak_spot_counts"])

	accounts := got["accounts"].([]any)
	require.Len(t, accounts, 4)
	hk := accounts[1].(map[string]any)
	assert.Equal(t, "HK", hk["account_id"])
	assert.ElementsMatch(t, []string{"account_id", "name", "at_risk", "dimensions", "weakest", "strongest", "spread", "balance", "weak_spots", "warnings", "advice"}, keys(hk))
	dims := hk["dimensions"].([]any)
	require.Len(t, dims, 3)
	tech := dims[0].(map[string]any)
	assert.Equal(t, "technical", tech["dimension"])
	assert.Subset(t, keys(tech), []string{"dimension", "score", "before", "trend", "weak", "reasons"})
	adv := hk["advice"].([]any)[0].(map[string]any)
	assert.ElementsMatch(t, []string{"rule", "dimension", "text", "evidence"}, keys(adv))
	ev := adv["evidence"].([]any)[0].(map[string]any)
	assert.Subset(t, keys(ev), []string{"message_id", "signal", "at"})

	// It reads back into the same report.
	var back Report
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, len(r.Accounts), len(back.Accounts))
	assert.Equal(t, r.Accounts[1].Advice[0].Text, back.Accounts[1].Advice[0].Text)
}

// element counts the elements of a well-formed document by name, failing
// on any unbalanced or malformed markup.
func elements(t *testing.T, doc []byte) map[string]int {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	count := map[string]int{}
	var stack []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		switch x := tok.(type) {
		case xml.StartElement:
			count[x.Name.Local]++
			stack = append(stack, x.Name.Local)
		case xml.EndElement:
			require.NotEmpty(t, stack)
			stack = stack[:len(stack)-1]
		}
	}
	require.Empty(t, stack, "unclosed elements")
	return count
}

func TestWriteHTML(t *testing.T) {
	r := fullReport(t)
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, r, FormatHTML))
	out := buf.Bytes()
	// GUANXI_AUDIT_HTML=FILE keeps the page, to look at in a browser.
	if path := os.Getenv("GUANXI_AUDIT_HTML"); path != "" {
		require.NoError(t, os.WriteFile(path, out, 0o644))
	}

	els := elements(t, out)
	assert.Equal(t, len(r.Accounts), els["svg"], "one chart per account")
	assert.Equal(t, len(r.Accounts), els["section"])
	assert.Zero(t, els["script"], "the hostile name must not become a script element")
	assert.Zero(t, els["img"])
	assert.Zero(t, els["b"])
	assert.Zero(t, els["link"], "no external assets")

	s := string(out)
	assert.Contains(t, s, `<html lang="zh-CN">`)
	assert.Contains(t, s, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;公司")
	assert.NotContains(t, s, "<script")
	noNS := strings.ReplaceAll(s, `xmlns="http://www.w3.org/2000/svg"`, "")
	for _, ref := range []string{"http:", "https:", "src=", "href=", "url("} {
		assert.NotContains(t, noNS, ref, "self-contained: no external references")
	}
	assert.Contains(t, s, "关系健康审计")
	assert.Contains(t, s, "华康医疗")
	assert.Contains(t, s, "建议安排架构师一对一技术交流")
}

func TestWriteTableAligns(t *testing.T) {
	r := fullReport(t)
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, r, FormatTable))
	out := buf.String()
	lines := strings.Split(out, "\n")
	var header int
	for i, l := range lines {
		if strings.HasPrefix(l, "客户") {
			header = i
			break
		}
	}
	require.NotZero(t, header)
	rows := lines[header+2 : header+2+len(r.Accounts)]
	// Every column starts at the same display column on every row.
	col := func(line, cell string) int {
		i := strings.Index(line, cell)
		require.GreaterOrEqual(t, i, 0, "%q not in %q", cell, line)
		return runewidth.StringWidth(line[:i])
	}
	want := col(lines[header], "账户ID")
	for i, a := range r.Accounts {
		assert.Equal(t, want, col(rows[i], " "+a.AccountID+" ")+1, "row %q", rows[i])
	}
	wantTech := col(lines[header], "技术信任")
	for i, a := range r.Accounts {
		cell := strings.SplitN(strings.TrimSpace(rows[i][strings.Index(rows[i], " "+a.AccountID+" ")+len(a.AccountID)+1:]), " ", 2)[0]
		assert.Equal(t, wantTech, col(rows[i], cell), "row %q", rows[i])
	}
	assert.Contains(t, out, "【华康医疗】")
	assert.Contains(t, out, "抽样 4/4 个客户")
	assert.Contains(t, out, "技术信任偏弱：架构师王工 10月12日起3次未打开技术资料")
}

func TestWriteUnknownFormat(t *testing.T) {
	err := Write(io.Discard, Report{}, "pdf")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown format "pdf"`)
}
